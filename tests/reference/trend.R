# trend.R - reference figures for tests/unit/test_trend.c (analysis/trend.c).
# Run: Rscript tests/reference/trend.R
# Mann-Kendall from cor.test(method = "kendall", exact = FALSE) against time,
# which applies the tie correction and the continuity correction as
# Kendall::MannKendall does; Sen's slope and its 95 % interval written out as
# trend::sens.slope computes them; decomposition from decompose().
options(digits = 15)
mk <- function(x) {
  ct <- suppressWarnings(cor.test(seq_along(x), x, method = "kendall",
                                  exact = FALSE, continuity = TRUE))
  n <- length(x)
  s <- 0
  for (i in 1:(n - 1)) for (j in (i + 1):n) s <- s + sign(x[j] - x[i])
  t <- table(x)
  v <- (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5))) / 18
  d <- c()
  for (i in 1:(n - 1)) for (j in (i + 1):n) d <- c(d, (x[j] - x[i]) / (j - i))
  d <- sort(d)
  N <- length(d)
  C <- qnorm(0.975) * sqrt(v)
  cat(sprintf("S %g varS %.10f tau %.12f p %.12f sen %.12f lo %.12f hi %.12f\n",
              s, v, ct$estimate, ct$p.value, median(d), d[round((N - C) / 2)],
              d[round((N + C) / 2 + 1)]))
}
mk(c(3.1, 4.2, 2.8, 5.0, 6.3, 5.9, 7.4, 8.1, 7.7, 9.0, 8.6, 10.2))
mk(c(5, 3, 5, 6, 6, 4, 7, 7, 7, 8, 6, 9, 9, 10))
mk(c(10, 12, 9, 11, 8, 10, 9, 7, 11, 8))

x <- ts(as.numeric(AirPassengers)[1:48], frequency = 12)
d <- decompose(x)
r <- d$random; s <- d$seasonal; tr <- d$trend
cat(sprintf("figure %s\n", paste(sprintf("%.10f", d$figure), collapse = " ")))
cat(sprintf("strength %.12f trend_strength %.12f trend7 %.10f\n",
            max(0, 1 - var(r, na.rm = TRUE) / var(s + r, na.rm = TRUE)),
            max(0, 1 - var(r, na.rm = TRUE) / var(tr + r, na.rm = TRUE)), tr[7]))

# Two seasons only: every position has one detrended value, so the seasonal
# figure is the least-squares fit of the first two harmonics (analysis/trend.c).
x <- as.numeric(AirPassengers)[1:24]
tr <- as.numeric(decompose(ts(x, frequency = 12))$trend)
pos <- (seq_along(x) - 1) %% 12
H <- cbind(cos(2 * pi * pos / 12), sin(2 * pi * pos / 12),
           cos(4 * pi * pos / 12), sin(4 * pi * pos / 12))
ok <- !is.na(tr)
fit <- lm((x - tr)[ok] ~ 0 + H[ok, ])
fig <- as.numeric(H[1:12, ] %*% coef(fit))
fig <- fig - mean(fig)
s <- fig[pos + 1]
r <- x - tr - s
cat(sprintf("harmonic figure %s\n", paste(sprintf("%.10f", fig), collapse = " ")))
cat(sprintf("harmonic strength %.12f\n",
            max(0, 1 - var(r, na.rm = TRUE) / var(s + r, na.rm = TRUE))))
