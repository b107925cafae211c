# forecast.R - R's side of bench/forecast: for each monthly series of R's datasets
# package, HoltWinters() (additive and multiplicative, R's own start values and
# L-BFGS-B fit) on all but the last 12 months, forecast of those 12, MAPE in %.
# Prints "series name v1 v2 ..." lines (the whole series, for the C side) and
# "r name additive multiplicative" lines, and per fit "rfit name seasonal alpha beta
# gamma SSE" (the parameters R's L-BFGS-B found on the training months), and
# "rchoice name additive multiplicative": what our model choice compares, on R's fits.
series <- list(AirPassengers = AirPassengers, co2 = co2, nottem = nottem,
               USAccDeaths = USAccDeaths, ldeaths = ldeaths, mdeaths = mdeaths,
               fdeaths = fdeaths, UKDriverDeaths = UKDriverDeaths)
mape <- function(a, f) 100 * mean(abs(a - f) / abs(a))
for (name in names(series)) {
  x <- series[[name]]
  n <- length(x)
  train <- ts(x[1:(n - 12)], frequency = 12, start = start(x))
  test <- as.numeric(x[(n - 11):n])
  ha <- HoltWinters(train, seasonal = "additive")
  hm <- HoltWinters(train, seasonal = "multiplicative")
  fa <- predict(ha, 12)
  fm <- predict(hm, 12)
  cat("series", name, format(as.numeric(x), digits = 15), "\n")
  cat("r", name, sprintf("%.3f", mape(test, fa)), sprintf("%.3f", mape(test, fm)), "\n")
  # the model choice's rule on R's fits: mean absolute error of forecasts of the
  # training months' last season, and of up to two seasons before it where the
  # training months are at most 240 and two seasons remain to fit
  m <- n - 12
  origins <- if (m > 240) 1 else min(3, (m - 24) %/% 12)
  mae <- sapply(c("additive", "multiplicative"), function(s) mean(sapply(1:origins, function(o) {
    fit <- ts(x[1:(m - 12 * o)], frequency = 12)
    hw <- suppressWarnings(HoltWinters(fit, seasonal = s))  # line search ends early in a few
    mean(abs(x[(m - 12 * o + 1):(m - 12 * o + 12)] - predict(hw, 12)))
  })))
  cat("rchoice", name, sprintf("%.4g", mae), "\n")
  for (h in list(ha, hm))
    cat("rfit", name, h$seasonal, sprintf("%.8f", c(h$alpha, h$beta, h$gamma)),
        sprintf("%.10g", h$SSE), "\n")
}
