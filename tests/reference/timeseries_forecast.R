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
# Holt are HoltWinters(gamma = FALSE) as well. R has no damped trend: damped
# Holt-Winters is written out as in holtwinters_damped.R (HoltWinters()'s start
# values and recursions with phi, optim()'s L-BFGS-B, phi within [0.8, 0.98]),
# its additive intervals from the same h-step variance as predict.HoltWinters
# (psi_j = alpha (1 + beta (phi + ... + phi^j)), plus gamma (1 - alpha) at whole
# seasons); damped Holt is left out (the test checks that it does not win). Prints per series the
# scores, the winner's parameters, sd(residuals), the last origin's MAPE and
# sMAPE and predict(winner, 14, prediction.interval = TRUE) at 80 and 95 %.

visitors <- c(54, 63, 64, 60, 56, 30, 31, 62, 64, 63, 67, 58, 35, 32, 60, 66, 66, 66, 57, 38,
              37, 68, 72, 73, 68, 63, 43, 35, 69, 74, 71, 73, 68, 44, 41, 69, 79, 75, 73, 72,
              51, 42)
extra <- c(9, 13, 11, 12, 12, 7, 4, 12, 15, 14, 14, 12, 7, 5, 13, 11, 12, 15, 13, 7, 8, 14,
           13, 16, 15, 13, 10, 6, 14, 16, 16, 13, 13, 10, 7, 13, 17, 14, 16, 14, 11, 10)

hwd <- function(x, f, p) {
  mult <- p[5] == 1
  st <- decompose(ts(x[1:(2 * f)], frequency = f), if (mult) "multiplicative" else "additive")
  dat <- na.omit(st$trend)
  cf <- coef(.lm.fit(x = cbind(1, seq_along(dat)), y = dat))
  l <- cf[1]; b <- cf[2]; s <- st$figure; res <- numeric(0)
  for (i in (f + 1):length(x)) {
    k <- (i - 1) %% f + 1
    xhat <- if (mult) (l + p[4] * b) * s[k] else l + p[4] * b + s[k]
    res <- c(res, x[i] - xhat)
    lp <- l
    l <- p[1] * (if (mult) x[i] / s[k] else x[i] - s[k]) + (1 - p[1]) * (lp + p[4] * b)
    b <- p[2] * (l - lp) + (1 - p[2]) * p[4] * b
    s[k] <- p[3] * (if (mult) x[i] / l else x[i] - l) + (1 - p[3]) * s[k]
  }
  structure(list(alpha = p[1], beta = p[2], gamma = p[3], phi = p[4], mult = mult,
                 l = unname(l), b = unname(b), s = s, n = length(x), f = f, res = res,
                 SSE = sum(res^2)), class = "hwd")
}
residuals.hwd <- function(object, ...) object$res
predict.hwd <- function(object, n.ahead, prediction.interval = FALSE, level = 0.95) {
  m <- object
  damp <- function(j) sum(m$phi^seq_len(j))
  fit <- sapply(1:n.ahead, function(j) {
    sj <- m$s[(m$n + j - 1) %% m$f + 1]
    if (m$mult) (m$l + damp(j) * m$b) * sj else m$l + damp(j) * m$b + sj
  })
  if (!prediction.interval)
    return(fit)
  stopifnot(!m$mult)
  psi <- function(j) m$alpha * (1 + damp(j) * m$beta) + (j %% m$f == 0) * m$gamma * (1 - m$alpha)
  v <- sapply(1:n.ahead, function(h) 1 + sum(vapply(seq_len(h - 1), psi, 0)^2))
  cbind(fit = fit, upr = fit + qnorm((1 + level) / 2) * sd(m$res) * sqrt(v))
}
fit_damped <- function(y, mult) {
  o <- optim(c(0.3, 0.1, 0.1, 0.9), function(p) hwd(y, 7, c(p, mult))$SSE,
             method = "L-BFGS-B", lower = c(0, 0, 0, 0.8), upper = c(1, 1, 1, 0.98))
  hwd(y, 7, c(o$par, mult))
}

fit <- function(y, method) {
  x <- ts(y, frequency = 7)
  switch(method,
         ses = HoltWinters(x, beta = FALSE, gamma = FALSE),
         holt = HoltWinters(x, gamma = FALSE),
         hw_additive = HoltWinters(x, seasonal = "additive"),
         hw_multiplicative = HoltWinters(x, seasonal = "multiplicative"),
         hw_damped_additive = fit_damped(y, 0),
         hw_damped_multiplicative = fit_damped(y, 1))
}

for (series in c("visitors", "visits")) {
  y <- if (series == "visitors") visitors else visitors + extra
  n <- length(y)
  methods <- c("ses", "holt", "hw_additive", "hw_multiplicative", "hw_damped_additive",
               "hw_damped_multiplicative")
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
  cat(sprintf("  winner %s alpha %.10f beta %.10f gamma %.10f phi %.10f SSE %.6f sigma %.6f\n", win,
              h$alpha, if (is.logical(h$beta)) 0 else h$beta,
              if (is.logical(h$gamma)) 0 else h$gamma, if (is.null(h$phi)) 1 else h$phi,
              h$SSE, sd(residuals(h))))
  cat(sprintf("  last holdout mape %.4f smape %.4f\n", 100 * mean(abs(a - last) / a),
              100 * mean(2 * abs(a - last) / (abs(a) + abs(last)))))
  cat("  fit  ", sprintf("%.4f", p80[, "fit"]), "\n")
  cat("  hi80 ", sprintf("%.4f", p80[, "upr"]), "\n")
  cat("  hi95 ", sprintf("%.4f", p95[, "upr"]), "\n")
}
