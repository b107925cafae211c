# holtwinters.R - reference figures for tests/unit/test_forecast.c from R's
# HoltWinters() and predict(..., prediction.interval = TRUE).
#
#   Rscript tests/reference/holtwinters.R
#
# prints the series and the table ref_cases embedded in test_forecast.c
# (from `static const double daily[]` to the end of the table). The smoothing
# parameters are fixed and the start values are the season means that
# analysis/forecast.c's hw_smooth takes (R's own, from decompose(), which the
# model choice's Holt-Winters takes, are in holtwinters_fit.R), so R runs exactly our
# recursions and the comparison isolates the state updates, the residual
# variance and the interval formula.

daily <- c(173, 206, 220, 224, 214, 210, 160, 179, 236, 232, 231, 233, 233, 187,
           194, 230, 244, 249, 272, 220, 176, 203, 242, 251, 257, 252, 237, 197,
           224, 255, 266, 266, 256, 257, 200, 226, 286, 265, 297, 275, 259, 205,
           235, 278, 292, 294, 293, 273, 236, 254, 294, 298, 304, 282, 286, 255)

# Start values of analysis/forecast.c: the first two seasons' means give the
# trend per step (none without a trend); the level is the first season's mean
# moved to its last step; the seasonal terms are the first season's deviations
# from (or ratios to) that line.
ours <- function(x, f, seasonal, trend) {
  if (f == 0 && trend)
    return(list(l = x[2], b = x[2] - x[1], s = NULL))
  if (f == 0)
    return(list(l = x[1], b = 0, s = NULL))
  m1 <- mean(x[1:f])
  m2 <- mean(x[(f + 1):(2 * f)])
  b <- if (trend) (m2 - m1) / f else 0
  line <- m1 + b * ((1:f) - 1 - (f - 1) / 2)
  s <- if (seasonal == "additive") x[1:f] - line else x[1:f] / line
  list(l = m1 + b * (f - 1) / 2, b = b, s = s)
}

# v as a C list, `per` numbers a line, continuation lines indented by `indent`.
num <- function(v, per = 6, indent = "\t\t") {
  cells <- sprintf("%.10g", v)
  rows <- split(cells, (seq_along(cells) - 1) %/% per)
  paste(vapply(rows, paste, "", collapse = ", "), collapse = paste0(",\n", indent))
}

series <- list(daily = daily, air = as.numeric(AirPassengers[1:72]),
               nottem = as.numeric(nottem[1:48]))
for (k in names(series))
  cat(sprintf("static const double %s[] = {\n\t%s};\n", k, num(series[[k]], 12, "\t")))
cat("\nstatic const struct ref_case ref_cases[] = {\n")

run <- function(name, data, n, f, seasonal, alpha, beta, gamma, h) {
  x <- series[[data]][1:n]
  trend <- !identical(beta, FALSE)
  st <- ours(x, f, seasonal, trend)
  fit <- HoltWinters(ts(x, frequency = max(f, 1)), alpha = alpha, beta = beta,
                     gamma = if (f == 0) FALSE else gamma, seasonal = seasonal,
                     l.start = st$l, b.start = if (trend) st$b else NULL,
                     s.start = st$s)
  p80 <- predict(fit, h, prediction.interval = TRUE, level = 0.80)
  p95 <- predict(fit, h, prediction.interval = TRUE, level = 0.95)
  cf <- coef(fit)
  cat(sprintf("\t/* %s */\n", name))
  cat(sprintf("\t{%s, %d, %d, %s, %d, %.10g, %.10g, %.10g,\n", data, n, f,
              if (seasonal == "additive") "HW_ADDITIVE" else "HW_MULTIPLICATIVE",
              as.integer(trend), alpha, if (trend) beta else 0,
              if (f == 0) 0 else gamma))
  cat(sprintf("\t %.10g, %.10g, %.10g, %d,\n", cf[["a"]], if (trend) cf[["b"]] else 0,
              sd(residuals(fit)), h))
  cat(sprintf("\t {%s},\n", num(p80[, "fit"])))
  cat(sprintf("\t {%s},\n", num(p80[, "upr"])))
  cat(sprintf("\t {%s}},\n", num(p95[, "upr"])))
}

run("daily visitors, additive with trend, weekly season",
    "daily", 56, 7, "additive", 0.2, 0.05, 0.13, 15)
# Multiplicative: less than a season ahead, where R's variance differs from
# ours only in its first term (see hw_variance in analysis/forecast.c).
run("AirPassengers 1949-1954, multiplicative with trend",
    "air", 72, 12, "multiplicative", 0.64, 0.0022, 0.69, 11)
run("nottem 1920-1923, additive without trend (beta = FALSE)",
    "nottem", 48, 12, "additive", 0.2, FALSE, 0.3, 15)
run("first three weeks of daily visitors, Holt (gamma = FALSE)",
    "daily", 21, 0, "additive", 0.5, 0.1, FALSE, 6)
run("first three weeks of daily visitors, exponential smoothing (beta = gamma = FALSE)",
    "daily", 21, 0, "additive", 0.3, FALSE, FALSE, 5)
cat("};\n")
