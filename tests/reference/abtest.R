# abtest.R - reference figures for tests/unit/test_abtest.c (analysis/abtest.c).
# Run: Rscript tests/reference/abtest.R
# Each comparison: variant x of n against control xc of nc.
#   prop.test(c(x, xc), c(n, nc), correct = FALSE): p.value, conf.int (abs uplift)
#   relative uplift p/pc - 1 with the delta-method 95 % interval
#   chance to beat control: P(B > A), B ~ Beta(1 + x, 1 + n - x),
#     A ~ Beta(1 + xc, 1 + nc - xc), by integrate() to 1e-12
# SRM: chisq.test(observed, p = weights)$p.value and $statistic.
options(digits = 15)
cmp <- function(xc, nc, x, n) {
  pt <- prop.test(c(x, xc), c(n, nc), correct = FALSE)
  p <- x / n; pc <- xc / nc
  v <- p * (1 - p) / n; vc <- pc * (1 - pc) / nc
  rse <- sqrt(v / pc^2 + p^2 * vc / pc^4)
  rel <- p / pc - 1
  ctb <- integrate(function(t) dbeta(t, 1 + x, 1 + n - x) * pbeta(t, 1 + xc, 1 + nc - xc),
                   0, 1, rel.tol = 1e-12, subdivisions = 10000L)$value
  cat(sprintf("{%d, %d, %d, %d, %.12f, %.12f, %.12f, %.12f, %.12f, %.12f, %.12f},\n",
              xc, nc, x, n, pt$p.value, pt$conf.int[1], pt$conf.int[2],
              rel - qnorm(0.975) * rse, rel + qnorm(0.975) * rse, ctb,
              sqrt(unname(pt$statistic))))
}
cat("/* xc, nc, x, n, p, abs_lo, abs_hi, rel_lo, rel_hi, chance, |z| */\n")
cmp(100, 1000, 130, 1000)
cmp(250, 5000, 330, 5000)
cmp(10, 200, 9, 180)
cmp(400, 4000, 380, 4100)
cmp(30, 1200, 31, 1150)
cmp(1200, 20000, 1320, 20000)
srm <- function(obs, w) {
  ct <- suppressWarnings(chisq.test(obs, p = w))
  cat(sprintf("{{%s}, {%s}, %d, %.15g, %.12f},\n", paste(obs, collapse = ", "),
              paste(w, collapse = ", "), length(obs), ct$p.value, unname(ct$statistic)))
}
cat("/* observed, weights, k, p, chisq */\n")
srm(c(5000, 4700), c(0.5, 0.5))
srm(c(5000, 4950), c(0.5, 0.5))
srm(c(1000, 2050, 2950), c(0.2, 0.4, 0.4))
srm(c(3000, 2000), c(0.6, 0.4))
srm(c(520, 480, 1000), c(0.25, 0.25, 0.5))
srm(c(10, 30), c(0.5, 0.5))
cat("/* pchisq(x, df, lower.tail = FALSE) */\n")
for (a in list(c(0.5, 1), c(3.84, 1), c(10, 2), c(25, 3), c(0.1, 5), c(60, 9)))
  cat(sprintf("{%g, %g, %.15g},\n", a[1], a[2], pchisq(a[1], a[2], lower.tail = FALSE)))
