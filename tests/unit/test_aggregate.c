// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: repeated alerts fold into summaries, nothing is lost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "report/aggregate.h"

#define SEC 1000000000ULL

struct got {
	int n;
	json_int_t count[8];
	json_int_t seq[8];
};

static void collect(json_t *doc, void *ctx)
{
	struct got *g = ctx;
	json_t *agg =
	    json_object_get(json_object_get(doc, "minerwatch"), "aggregate");

	assert_true(g->n < 8);
	g->count[g->n] = json_integer_value(json_object_get(agg, "count"));
	g->seq[g->n] = json_integer_value(json_object_get(doc, "seq"));
	g->n++;
	json_decref(doc);
}

static json_t *doc_seq(int i)
{
	return json_pack("{s:i}", "seq", i);
}

static void test_flood_folds(void **state)
{
	struct aggregate *a = aggregate__new(10 * SEC, 16);
	struct got g = {0};
	int i, emitted = 0;

	for (i = 0; i < 1000; i++) {
		json_t *d = doc_seq(i);

		emitted += aggregate__offer(a, 3, "proc-1", d, SEC + i * 1000);
		json_decref(d);
	}
	assert_int_equal(emitted, 1); /* the first goes out at once */
	aggregate__flush(a, 5 * SEC, false, collect, &g);
	assert_int_equal(g.n, 0); /* window still open */
	aggregate__flush(a, 12 * SEC, false, collect, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.count[0], 1000); /* 1 emitted + 999 held */
	assert_int_equal(g.seq[0], 999);    /* the latest sample */
	assert_int_equal(aggregate__size(a), 0);
	assert_int_equal(aggregate__suppressed(a), 999);
	aggregate__free(a);
}

static void test_distinct_pairs_not_folded(void **state)
{
	struct aggregate *a = aggregate__new(10 * SEC, 16);
	json_t *d = doc_seq(0);

	assert_true(aggregate__offer(a, 1, "proc-1", d, SEC));
	assert_true(aggregate__offer(a, 2, "proc-1", d, SEC));
	assert_true(aggregate__offer(a, 1, "proc-2", d, SEC));
	assert_false(aggregate__offer(a, 1, "proc-2", d, 2 * SEC));
	json_decref(d);
	aggregate__free(a); /* frees held samples too (valgrind) */
}

static void test_single_alert_no_summary(void **state)
{
	struct aggregate *a = aggregate__new(10 * SEC, 16);
	struct got g = {0};
	json_t *d = doc_seq(0);

	assert_true(aggregate__offer(a, 1, "p", d, SEC));
	json_decref(d);
	aggregate__flush(a, 100 * SEC, false, collect, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(aggregate__size(a), 0);
	aggregate__free(a);
}

static void test_full_table_emits(void **state)
{
	struct aggregate *a = aggregate__new(10 * SEC, 2);
	json_t *d = doc_seq(0);

	assert_true(aggregate__offer(a, 1, "a", d, SEC));
	assert_true(aggregate__offer(a, 1, "b", d, SEC));
	/* Table full: a new pair is emitted, never dropped. */
	assert_true(aggregate__offer(a, 1, "c", d, SEC));
	assert_true(aggregate__offer(a, 1, "c", d, SEC));
	json_decref(d);
	aggregate__free(a);
}

static void test_new_window_after_expiry(void **state)
{
	struct aggregate *a = aggregate__new(10 * SEC, 16);
	struct got g = {0};
	json_t *d = doc_seq(7);

	assert_true(aggregate__offer(a, 1, "p", d, SEC));
	assert_false(aggregate__offer(a, 1, "p", d, 2 * SEC));
	/* After the window, a repeat is emitted (flush not yet run). */
	assert_true(aggregate__offer(a, 1, "p", d, 12 * SEC));
	aggregate__flush(a, 0, true, collect, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.count[0], 2);
	json_decref(d);
	aggregate__free(a);
}

/*
 * Records that stand for several occurrences (repeats the kernel folded):
 * the window's count is the sum, the first doc's share included.
 */
static void test_weighted_offers(void **state)
{
	struct aggregate *a = aggregate__new(10 * SEC, 16);
	struct got g = {0};
	json_t *d = doc_seq(1);

	(void)state;
	assert_true(aggregate__offer_n(a, 1, "p", d, 3, SEC));
	assert_false(aggregate__offer_n(a, 1, "p", d, 5000, 2 * SEC));
	assert_false(aggregate__offer(a, 1, "p", d, 3 * SEC));
	json_decref(d);
	aggregate__flush(a, 12 * SEC, false, collect, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.count[0], 5004);
	assert_int_equal(aggregate__suppressed(a), 5001);
	/* suppressed in the summary: what no emitted doc stood for */
	d = doc_seq(2);
	assert_true(aggregate__offer_n(a, 2, "p", d, 7, 20 * SEC));
	assert_false(aggregate__offer_n(a, 2, "p", d, 2, 21 * SEC));
	json_decref(d);
	aggregate__flush(a, 0, true, collect, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.count[1], 9);
	aggregate__free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flood_folds),
	    cmocka_unit_test(test_distinct_pairs_not_folded),
	    cmocka_unit_test(test_single_alert_no_summary),
	    cmocka_unit_test(test_full_table_emits),
	    cmocka_unit_test(test_new_window_after_expiry),
	    cmocka_unit_test(test_weighted_offers),
	};

	return cmocka_run_group_tests_name("aggregate", tests, NULL, NULL);
}
