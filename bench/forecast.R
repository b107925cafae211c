# forecast.R - R's side of bench/forecast: for each monthly series of R's datasets
# package, HoltWinters() (additive and multiplicative, R's own start values and
# L-BFGS-B fit) on all but the last 12 months, forecast of those 12, MAPE in %.
# Prints "series name v1 v2 ..." lines (the whole series, for the C side) and
# "r name additive multiplicative" lines.
series <- list(AirPassengers = AirPassengers, co2 = co2, nottem = nottem,
               USAccDeaths = USAccDeaths, ldeaths = ldeaths, mdeaths = mdeaths,
               fdeaths = fdeaths, UKDriverDeaths = UKDriverDeaths)
mape <- function(a, f) 100 * mean(abs(a - f) / abs(a))
for (name in names(series)) {
  x <- series[[name]]
  n <- length(x)
  train <- ts(x[1:(n - 12)], frequency = 12, start = start(x))
  test <- as.numeric(x[(n - 11):n])
  fa <- predict(HoltWinters(train, seasonal = "additive"), 12)
  fm <- predict(HoltWinters(train, seasonal = "multiplicative"), 12)
  cat("series", name, format(as.numeric(x), digits = 15), "\n")
  cat("r", name, sprintf("%.3f", mape(test, fa)), sprintf("%.3f", mape(test, fm)), "\n")
}
