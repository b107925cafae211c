# interval_widen.R - reference figures of the intervals' widening for
# tests/unit/test_forecast.c (test_interval_widen_r):
#
#   Rscript tests/reference/interval_widen.R
#
# AirPassengers, all 144 months: the model choice takes Holt-Winters additive
# over four origins, the last 12, 24, 36 and 48 months held out. At each origin
# R's HoltWinters() on the months before, its 12 forecasts and the standard
# deviation of its 80 % interval per step; the ratios of the errors to those
# standard deviations give the factor per level: 80 %
# max(1, sqrt(quantile(|r|, 0.8) / qnorm(0.9))), 95 %
# max(1, w quantile(|r|, 0.95) / qnorm(0.975) + (1 - w) k80) with
# w = n / (n + 12) (a prior of one holdout's 12 errors); and the single
# factor used before, max(1, mean(r^2)^(1/4)).
x <- as.numeric(AirPassengers)
n <- length(x)
r <- c()
for (o in 1:4) {
  train <- n - 12 * o
  h <- HoltWinters(ts(x[1:train], frequency = 12))
  p <- predict(h, 12, prediction.interval = TRUE, level = 0.8)
  sd <- (p[, "upr"] - p[, "fit"]) / qnorm(0.9)
  r <- c(r, (x[(train + 1):(train + 12)] - p[, "fit"]) / sd)
}
k80 <- max(1, sqrt(quantile(abs(r), 0.8, names = FALSE) / qnorm(0.9)))
w <- length(r) / (length(r) + 12)
k95 <- max(1, w * quantile(abs(r), 0.95, names = FALSE) / qnorm(0.975) + (1 - w) * k80)
cat(sprintf("widen %.10f\n", max(1, mean(r^2)^(1 / 4))))   # 1.2873562597 (R 4.2.2)
cat(sprintf("widen80 %.10f\n", k80))                         # 1.3149567659
cat(sprintf("widen95 %.10f\n", k95))                         # 1.5437329273
