# ridge.R - reference figures for tests/unit/test_ridge.c (analysis/ridge.c).
# Run: Rscript tests/reference/ridge.R
# Ridge on standardised features (scale(): sample sd), centred y:
#   b = solve(t(Z) %*% Z + lambda * diag(p), t(Z) %*% (y - mean(y)))
# weights in original units b / sd, intercept mean(y) - sum(w * colMeans(X));
# 4-fold cross-validation with row i (1-based) in fold (i - 1) %% 4,
# against the training folds' mean.
options(digits = 15)
X <- cbind(title = c(52, 61, 38, 70, 45, 58, 66, 41, 55, 49, 63, 36),
           words = c(820, 1430, 310, 2100, 640, 990, 1750, 420, 1200, 760, 1550, 280),
           images = c(3, 6, 1, 9, 2, 4, 7, 1, 5, 3, 6, 0))
y <- c(410, 760, 120, 1130, 260, 520, 930, 170, 640, 350, 820, 90)
fit <- function(X, y, lambda) {
  Z <- scale(X)
  b <- solve(t(Z) %*% Z + lambda * diag(ncol(X)), t(Z) %*% (y - mean(y)))
  w <- b / attr(Z, "scaled:scale")
  list(b = drop(b), w = drop(w), a = mean(y) - sum(w * attr(Z, "scaled:center")))
}
for (lambda in c(0, 1, 10)) {
  f <- fit(X, y, lambda)
  cat(sprintf("/* lambda %g */ {%g, {%s}, {%s}, %.12f},\n", lambda, lambda,
              paste(sprintf("%.12f", f$b), collapse = ", "),
              paste(sprintf("%.12f", f$w), collapse = ", "), f$a))
}
cv <- function(X, y, lambda, k) {
  fold <- (seq_along(y) - 1) %% k
  e <- b <- numeric(0)
  for (f in 0:(k - 1)) {
    tr <- fold != f
    m <- fit(X[tr, ], y[tr], lambda)
    p <- m$a + X[!tr, , drop = FALSE] %*% m$w
    e <- c(e, p - y[!tr]); b <- c(b, mean(y[tr]) - y[!tr])
  }
  cat(sprintf("/* cv lambda %g k %d */ {%.12f, %.12f, %.12f, %.12f},\n", lambda, k,
              sqrt(mean(e^2)), mean(abs(e)), sqrt(mean(b^2)), mean(abs(b))))
}
cv(X, y, 1, 4)
cv(X, y, 10, 3)
