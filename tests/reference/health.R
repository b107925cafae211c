# health.R - reference figures for tests/unit/test_health.c (analysis/health.c).
# Run: Rscript tests/reference/health.R
# Student t from pt()/qt(); the line, its confidence band and the times its
# edges cross a threshold from lm() + predict(interval = "confidence") +
# uniroot(); the damped trend's points and 95 % limits from the recursion of
# Holt's damped method (R's predict.HoltWinters variance with the trend's
# weight 1 + beta (phi + ... + phi^j)); the EWMA chart as Montgomery writes it.
options(digits = 15)
cat(sprintf("pt %.15f %.15f qt %.15f %.15f\n", pt(2.1, 7), pt(-1.3, 2.5),
            qt(0.975, 28), qt(0.995, 3)))

# disk used (%) sampled each minute: a rising line with a wobble
x <- 0:29
y <- 60 + 0.5 * x + 0.8 * sin(1.7 * x)
fit <- lm(y ~ x)
now <- 29; thr <- 90; hor <- 120
edge <- function(col) function(t) predict(fit, data.frame(x = t), interval = "confidence",
                                            level = 0.95)[, col] - thr
eta <- (thr - coef(fit)[1]) / coef(fit)[2] - now
early <- uniroot(edge("upr"), c(now, now + hor), tol = 1e-12)$root - now
late <- uniroot(edge("lwr"), c(now, now + hor), tol = 1e-12)$root - now
p <- predict(fit, data.frame(x = now + hor), se.fit = TRUE)
conf <- pt((p$fit - thr) / p$se.fit, 28)
p2 <- predict(fit, data.frame(x = now + 32), se.fit = TRUE)
cat(sprintf("short horizon 32: at %.10f conf %.12f\n", p2$fit, pt((p2$fit - thr) / p2$se.fit, 28)))
band <- predict(fit, data.frame(x = 40), interval = "confidence", level = 0.95)
cat(sprintf("line a %.12f b %.12f sigma %.12f halfband40 %.12f\n", coef(fit)[1], coef(fit)[2],
            summary(fit)$sigma, band[3] - band[1]))
cat(sprintf("ttt eta %.10f earliest %.10f latest %.10f at %.10f conf %.12f\n", eta, early,
            late, p$fit, conf))

# damped trend with set parameters: level 50, trend 0.8, phi 0.9, alpha 0.5,
# beta 0.1, sigma 1.2; threshold 55 going up, 60 steps
l <- 50; b <- 0.8; phi <- 0.9; a <- 0.5; be <- 0.1; s <- 1.2
h <- 1:60
ds <- function(k) sum(phi^(seq_len(k)))
pts <- l + sapply(h, ds) * b
psi <- function(j) a * (1 + ds(j) * be)
sds <- sapply(h, function(k) s * sqrt(1 + sum(vapply(seq_len(k - 1), psi, numeric(1))^2)))
z <- qnorm(0.975)
first <- function(v) if (any(v)) min(which(v)) else NA
cat(sprintf("damped eta %d earliest %d latest %s at %.12f conf %.12f\n", first(pts >= 55),
            first(pts + z * sds >= 55), first(pts - z * sds >= 55), pts[60],
            pnorm((pts[60] - 55) / sds[60])))

# EWMA: 30 calm values, then 10 shifted by 1.5
v <- 10 + 0.5 * sin(1:40)
v[31:40] <- v[31:40] + 1.5
lam <- 0.2; L <- 3; base <- v[1:30]
cen <- mean(base); sg <- sd(base)
zz <- cen; out <- NA
for (i in 1:40) {
  zz <- lam * v[i] + (1 - lam) * zz
  w <- sg * sqrt(lam / (2 - lam) * (1 - (1 - lam)^(2 * i)))
  if (is.na(out) && abs(zz - cen) > L * w) out <- i - 1
}
cat(sprintf("ewma center %.12f sigma %.12f z %.12f lo %.12f hi %.12f score %.12f first_out %d\n",
            cen, sg, zz, cen - L * w, cen + L * w, (zz - cen) / w, out))
