/* testutil.h - checks the cmocka suites share (include after cmocka.h and math.h). */
#ifndef ZOE_TESTUTIL_H
#define ZOE_TESTUTIL_H

/* cmocka 1.1 compares only integers and floats; doubles need their own check. */
#define assert_near(a, b, eps) do { \
	double a_ = (a), b_ = (b); \
	if (!(fabs(a_ - b_) <= (eps))) \
		fail_msg("%s = %.12g, want %.12g", #a, a_, b_); \
} while (0)

#endif
