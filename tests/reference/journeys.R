# journeys.R - reference figures for tests/unit/test_markov.c and
# tests/unit/test_logreg.c, computed independently of analysis/:
#
#   Rscript tests/reference/journeys.R
#
# 1. Removal effects of a small absorbing chain, by hand (fractions) and by
#    R's solve() of (I - Q) x = r on the transition matrix.
# 2. A logistic regression fitted with glm(family = binomial), with its
#    holdout AUC (Mann-Whitney, ties one half) and log loss.
options(digits = 15)

# States: Start, then the page groups, then Conversion and Exit.
chain <- function(paths) {
  groups <- sort(unique(unlist(lapply(paths, function(p) p[-c(1, length(p))]))))
  st <- c("Start", groups, "Conversion", "Exit")
  m <- matrix(0, length(st), length(st), dimnames = list(st, st))
  for (p in paths) for (i in seq_len(length(p) - 1)) m[p[i], p[i + 1]] <- m[p[i], p[i + 1]] + 1
  m
}
p_conv <- function(m, removed = character(0)) {
  tr <- setdiff(rownames(m), c("Conversion", "Exit"))
  P <- m / pmax(rowSums(m), 1)
  P[removed, ] <- 0                      # whatever enters a removed state exits
  Q <- P[tr, tr]
  r <- P[tr, "Conversion"]
  x <- solve(diag(length(tr)) - Q, r)
  x[["Start"]]
}
effects <- function(paths) {
  m <- chain(paths)
  g <- setdiff(rownames(m), c("Start", "Conversion", "Exit"))
  p <- p_conv(m)
  re <- sapply(g, function(s) 1 - p_conv(m, s) / p)
  cat("P(conversion) =", p, "\n")
  print(rbind(effect = re, share = re / sum(re)))
}

# Example 1, by hand: S->A->B->Conv, S->A->Exit, S->B->Exit.
#   P(S->A) = 2/3, P(S->B) = 1/3, P(A->B) = P(A->Exit) = 1/2, P(B->Conv) = 1/2.
#   P(conv) = 2/3 * 1/2 * 1/2 + 1/3 * 1/2 = 1/3
#   without A: 1/3 * 1/2 = 1/6 -> effect 1/2;  without B: 0 -> effect 1
#   shares: A 1/3, B 2/3
ex1 <- list(c("Start", "A", "B", "Conversion"), c("Start", "A", "Exit"),
            c("Start", "B", "Exit"))
effects(ex1)

# Example 2: loops (A->B->A) and three groups.
ex2 <- list(c("Start", "A", "B", "A", "Conversion"), c("Start", "A", "C", "Exit"),
            c("Start", "B", "C", "Conversion"), c("Start", "C", "Exit"),
            c("Start", "B", "A", "C", "Conversion"), c("Start", "A", "Exit"),
            c("Start", "C", "B", "Exit"))
effects(ex2)

# Logistic regression: 30 rows, two features (the same numbers are in
# test_logreg.c), no penalty, so glm's maximum likelihood is the target.
x1 <- c(0.5, 1.2, 2.3, 0.1, 3.4, 2.2, 1.1, 0.9, 4.0, 2.8, 0.3, 1.7, 3.1, 2.6, 0.7,
        1.9, 3.8, 0.2, 2.9, 1.4, 3.3, 0.8, 2.1, 1.0, 3.6, 0.4, 2.4, 1.6, 3.0, 1.3)
x2 <- c(1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1,
        1, 0, 1, 0, 0)
y  <- c(0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1,
        0, 0, 1, 1, 0)
fit <- glm(y ~ x1 + x2, family = binomial)
cat("glm coefficients:", sprintf("%.12f", coef(fit)), "\n")
cat("glm deviance:", sprintf("%.12f", deviance(fit)), "\n")
pr <- fitted(fit)
auc <- function(s, y) {
  r <- rank(s)                           # ties get their mean rank
  np <- sum(y == 1); nn <- sum(y == 0)
  (sum(r[y == 1]) - np * (np + 1) / 2) / (np * nn)
}
cat("in-sample AUC:", sprintf("%.12f", auc(pr, y)), "\n")
cat("in-sample log loss:", sprintf("%.12f", -mean(y * log(pr) + (1 - y) * log(1 - pr))), "\n")
