# timeseries_forecast.R - reference figures for the forecast of
# tests/integration/test_level5_timeseries.py (GET .../timeseries?forecast=).
#
#   Rscript tests/reference/timeseries_forecast.R
#
# Six weeks of daily visitors and visits (the test's VISITORS and EXTRA: a
# visit per visitor plus EXTRA second visits). The model choice of
# analysis/forecast.c (fc_select) replayed with R's own fits: each method is
# fitted on all but the last o weeks (o = 1, 2, 3, 4), forecasts the week
# after, and its sMAPE is averaged over the four origins; the least wins and
# is refitted on the whole series. Simple exponential smoothing and
# Holt are HoltWinters(gamma = FALSE) as well (R has no damped trend; the
# test checks that the damped one does not win). Prints per series the
# scores, the winner's parameters, sd(residuals), the last origin's MAPE and
# sMAPE and predict(winner, 14, prediction.interval = TRUE) at 80 and 95 %.

visitors <- c(54, 63, 64, 60, 56, 30, 31, 62, 64, 63, 67, 58, 35, 32, 60, 66, 66, 66, 57, 38,
              37, 68, 72, 73, 68, 63, 43, 35, 69, 74, 71, 73, 68, 44, 41, 69, 79, 75, 73, 72,
              51, 42)
extra <- c(9, 13, 11, 12, 12, 7, 4, 12, 15, 14, 14, 12, 7, 5, 13, 11, 12, 15, 13, 7, 8, 14,
           13, 16, 15, 13, 10, 6, 14, 16, 16, 13, 13, 10, 7, 13, 17, 14, 16, 14, 11, 10)

fit <- function(y, method) {
  x <- ts(y, frequency = 7)
  switch(method,
         ses = HoltWinters(x, beta = FALSE, gamma = FALSE),
         holt = HoltWinters(x, gamma = FALSE),
         hw_additive = HoltWinters(x, seasonal = "additive"),
         hw_multiplicative = HoltWinters(x, seasonal = "multiplicative"))
}

for (series in c("visitors", "visits")) {
  y <- if (series == "visitors") visitors else visitors + extra
  n <- length(y)
  methods <- c("ses", "holt", "hw_additive", "hw_multiplicative")
  score <- sapply(methods, function(m) mean(sapply(1:4, function(o) {
    train <- n - 7 * o
    p <- as.numeric(predict(fit(y[1:train], m), 7))
    a <- y[train + 1:7]
    100 * mean(2 * abs(a - p) / (abs(a) + abs(p)))
  })))
  win <- names(which.min(score))
  last <- as.numeric(predict(fit(y[1:(n - 7)], win), 7))
  a <- y[(n - 6):n]
  h <- fit(y, win)
  p80 <- predict(h, 14, prediction.interval = TRUE, level = 0.8)
  p95 <- predict(h, 14, prediction.interval = TRUE, level = 0.95)
  cat(sprintf("%s: scores %s\n", series,
              paste(sprintf("%s %.6f", methods, score), collapse = ", ")))
  cat(sprintf("  winner %s alpha %.10f beta %.10f gamma %.10f sigma %.6f\n", win, h$alpha,
              if (is.logical(h$beta)) 0 else h$beta, if (is.logical(h$gamma)) 0 else h$gamma,
              sd(residuals(h))))
  cat(sprintf("  last holdout mape %.4f smape %.4f\n", 100 * mean(abs(a - last) / a),
              100 * mean(2 * abs(a - last) / (abs(a) + abs(last)))))
  cat("  fit  ", sprintf("%.4f", p80[, "fit"]), "\n")
  cat("  hi80 ", sprintf("%.4f", p80[, "upr"]), "\n")
  cat("  hi95 ", sprintf("%.4f", p95[, "upr"]), "\n")
}
