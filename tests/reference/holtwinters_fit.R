# holtwinters_fit.R - reference figures of R's own Holt-Winters fit for
# tests/unit/test_forecast.c (the table r_fit_cases):
#
#   Rscript tests/reference/holtwinters_fit.R
#
# per series and season: HoltWinters()'s start values (start.periods = 2:
# decompose() of the first two seasons, a line through its moving average,
# its figure; the code of HoltWinters() itself), the SSE and coefficients at
# alpha 0.3, beta 0.1, gamma 0.1 from those start values, and the parameters,
# SSE and first three forecasts of R's own L-BFGS-B fit.

# v as a C list, six numbers a line
num <- function(v) {
  cells <- sprintf("%.10g", v)
  rows <- split(cells, (seq_along(cells) - 1) %/% 6)
  paste(vapply(rows, paste, "", collapse = ", "), collapse = ",\n\t\t")
}
# mdeaths 1974-1977: R's line search ends abnormally in both fits (a warning;
# HoltWinters() keeps the last point), a path the fit must follow as well
series <- list(air = as.numeric(AirPassengers[1:72]), usacc = as.numeric(USAccDeaths[1:60]),
               nottem = as.numeric(nottem[1:48]), mdeaths = as.numeric(mdeaths[1:48]))
cat("static const struct r_fit_case r_fit_cases[] = {\n")
for (k in names(series)) for (sea in c("additive", "multiplicative")) {
  x <- ts(series[[k]], frequency = 12)
  st <- decompose(ts(x[1:24], frequency = 12), sea)
  dat <- na.omit(st$trend)
  cf <- coef(.lm.fit(x = cbind(1, seq_along(dat)), y = dat))
  fixed <- HoltWinters(x, alpha = 0.3, beta = 0.1, gamma = 0.1, seasonal = sea)
  fit <- suppressWarnings(HoltWinters(x, seasonal = sea))
  cat(sprintf("\t/* %s, %s */\n", k, sea))
  cat(sprintf("\t{%s, %d, %s,\n", k, length(x),
              if (sea == "additive") "HW_ADDITIVE" else "HW_MULTIPLICATIVE"))
  cat(sprintf("\t %s,\n\t {%s},\n", num(cf), num(st$figure)))
  cat(sprintf("\t %s,\n", num(c(fixed$SSE, coef(fixed)[1:3]))))
  cat(sprintf("\t %s,\n\t {%s}},\n", num(c(fit$alpha, fit$beta, fit$gamma, fit$SSE)),
              num(predict(fit, 3))))
}
cat("};\n")
