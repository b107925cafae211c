# holtwinters_damped.R - reference figures of the damped Holt-Winters models
# for tests/unit/test_forecast.c (test_damped_r, test_select_rolling_origins):
#
#   Rscript tests/reference/holtwinters_damped.R
#
# R's HoltWinters() has no damped trend, so the recursions are written out
# here: HoltWinters()'s start values (decompose() of the first two seasons, a
# line through its moving average, its figure), then per step the forecast
# (l + phi b) + s (times s), level alpha (x - s) + (1 - alpha) (l + phi b)
# (x / s), trend beta (l - l') + (1 - beta) phi b, season gamma (x - l)
# + (1 - gamma) s (x / l); h steps ahead l + (phi + ... + phi^h) b with the
# season. UKDriverDeaths 1969-1983: the SSE and first three forecasts at alpha
# 0.3, beta 0.1, gamma 0.1, phi 0.9, and optim()'s L-BFGS-B fit within [0, 1]
# and phi within [0.8, 0.98] (the bounds of forecast::ets): its parameters,
# SSE and the MAPE of its forecasts of 1984.
hwd <- function(x, f, sea, p) {
  mult <- sea == "multiplicative"
  st <- decompose(ts(x[1:(2 * f)], frequency = f), sea)
  dat <- na.omit(st$trend)
  cf <- coef(.lm.fit(x = cbind(1, seq_along(dat)), y = dat))
  l <- cf[1]; b <- cf[2]; s <- st$figure; sse <- 0
  for (i in (f + 1):length(x)) {
    k <- (i - 1) %% f + 1
    xhat <- if (mult) (l + p[4] * b) * s[k] else l + p[4] * b + s[k]
    sse <- sse + (x[i] - xhat)^2
    lp <- l
    l <- p[1] * (if (mult) x[i] / s[k] else x[i] - s[k]) + (1 - p[1]) * (lp + p[4] * b)
    b <- p[2] * (l - lp) + (1 - p[2]) * p[4] * b
    s[k] <- p[3] * (if (mult) x[i] / l else x[i] - l) + (1 - p[3]) * s[k]
  }
  list(sse = unname(sse), l = unname(l), b = unname(b), s = s, n = length(x), f = f,
       mult = mult, phi = p[4])
}
forecast <- function(m, h) sapply(1:h, function(j) {
  base <- m$l + sum(m$phi^(1:j)) * m$b
  sj <- m$s[(m$n + j - 1) %% m$f + 1]
  if (m$mult) base * sj else base + sj
})
x <- as.numeric(UKDriverDeaths)
train <- x[1:180]
for (sea in c("additive", "multiplicative")) {
  fixed <- hwd(train, 12, sea, c(0.3, 0.1, 0.1, 0.9))
  o <- optim(c(0.3, 0.1, 0.1, 0.9), function(p) hwd(train, 12, sea, p)$sse,
             method = "L-BFGS-B", lower = c(0, 0, 0, 0.8), upper = c(1, 1, 1, 0.98))
  fit <- hwd(train, 12, sea, o$par)
  cat(sprintf("%s: fixed SSE %.10g, forecasts %s\n", sea, fixed$sse,
              paste(sprintf("%.8g", forecast(fixed, 3)), collapse = ", ")))
  cat(sprintf("  fit alpha %.10f beta %.10f gamma %.10f phi %.10f SSE %.6f, 1984 MAPE %.4f %%\n",
              o$par[1], o$par[2], o$par[3], o$par[4], o$value,
              100 * mean(abs(x[181:192] - forecast(fit, 12)) / x[181:192])))
}
