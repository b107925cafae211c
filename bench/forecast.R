# forecast.R - R's side of bench/forecast: every monthly and quarterly series of R's
# datasets package with at least four seasons, except those a MAPE cannot judge or
# that repeat another (below); for each, HoltWinters() (additive and multiplicative,
# R's own start values and L-BFGS-B fit) on all but the last 12 points, forecast of
# those 12, MAPE in %.
# Prints "series name frequency v1 v2 ..." lines (the whole series, for the C side)
# and "r name additive multiplicative" lines (NA where R's fit fails), and per fit
# "rfit name seasonal alpha beta gamma SSE" (the parameters R's L-BFGS-B found on the
# training points).
# Left out: sunspots and sunspot.month (zeros: no MAPE, no multiplicative season;
# their cycle is 11 years, not the months), Seatbelts' law (a 0/1 dummy), its
# drivers (the values of UKDriverDeaths) and presidents (missing quarters).
series <- list(AirPassengers = AirPassengers, co2 = co2, nottem = nottem,
               USAccDeaths = USAccDeaths, ldeaths = ldeaths, mdeaths = mdeaths,
               fdeaths = fdeaths, UKDriverDeaths = UKDriverDeaths)
for (col in c("DriversKilled", "front", "rear", "kms", "PetrolPrice", "VanKilled"))
  series[[paste0("Seatbelts.", col)]] <- Seatbelts[, col]
series <- c(series, list(JohnsonJohnson = JohnsonJohnson, UKgas = UKgas,
                         austres = austres, freeny.y = freeny.y))
mape <- function(a, f) 100 * mean(abs(a - f) / abs(a))
for (name in names(series)) {
  x <- series[[name]]
  n <- length(x)
  f <- frequency(x)
  train <- ts(x[1:(n - 12)], frequency = f, start = start(x))
  test <- as.numeric(x[(n - 11):n])
  fits <- lapply(c("additive", "multiplicative"), function(s)
    tryCatch(suppressWarnings(HoltWinters(train, seasonal = s)),  # a few end their line
             error = function(e) NULL))                                 # search early
  cat("series", name, f, format(as.numeric(x), digits = 15), "\n")
  cat("r", name, sapply(fits, function(h)
    if (is.null(h)) "NA" else sprintf("%.3f", mape(test, predict(h, 12)))), "\n")
  for (h in fits)
    if (!is.null(h))
      cat("rfit", name, h$seasonal, sprintf("%.8f", c(h$alpha, h$beta, h$gamma)),
          sprintf("%.10g", h$SSE), "\n")
}
