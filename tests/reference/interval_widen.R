# interval_widen.R - reference figure of the intervals' widening for
# tests/unit/test_forecast.c (test_interval_widen_r):
#
#   Rscript tests/reference/interval_widen.R
#
# AirPassengers, all 144 months: the model choice takes Holt-Winters additive
# over four origins, the last 12, 24, 36 and 48 months held out. At each origin
# R's HoltWinters() on the months before, its 12 forecasts and the standard
# deviation of its 80 % interval per step; the ratios of the errors to those
# standard deviations, and the factor max(1, mean(ratio^2)^(1/4)).
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
cat(sprintf("widen %.10f\n", max(1, mean(r^2)^(1 / 4))))   # 1.2873562597 (R 4.2.2)
