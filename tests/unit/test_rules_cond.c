/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_rules_cond.c - the parts of the condition matcher that no exec
 * field reaches yet: CIDR matching on address fields (the network sensor's
 * destination.ip) and range parsing edge cases. Includes the source so the
 * file-private helpers can be tested directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../user/rules/rules_cond.c"

static const char *fake_addr;

static const char *fake_ip(const struct mw_event *ev)
{
	return fake_addr;
}

static const struct field ip_field = {
    .name = "destination.ip",
    .kinds = FIELD_KIND(MW_KIND_NET),
    .type = FIELD_IP,
    .str = fake_ip,
};

static int ip_in(const char *const *nets, int n, const char *addr)
{
	struct cidr c[8];
	struct leaf l = {.f = &ip_field, .op = OP_CIDR, .n = n, .nets = c};
	struct mw_process p = {0};
	struct mw_event ev = {.kind = MW_KIND_NET, .proc = &p};
	int i;

	for (i = 0; i < n; i++)
		assert_int_equal(cidr_parse(nets[i], &c[i]), 0);
	fake_addr = addr;
	return leaf__match(&l, &ev);
}

static void test_cidr(void **state)
{
	const char *priv[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"};
	const char *odd[] = {"100.64.0.0/10"};
	const char *v6[] = {"fd00::/8", "2001:db8::1"};
	const char *any[] = {"0.0.0.0/0"};
	struct cidr c;

	assert_true(ip_in(priv, 3, "10.1.2.3"));
	assert_true(ip_in(priv, 3, "172.31.255.255"));
	assert_false(ip_in(priv, 3, "172.32.0.1"));
	assert_false(ip_in(priv, 3, "8.8.8.8"));
	/* IPv4 seen on a dual-stack socket */
	assert_true(ip_in(priv, 3, "::ffff:192.168.1.1"));
	/* prefix not on a byte boundary */
	assert_true(ip_in(odd, 1, "100.127.255.255"));
	assert_false(ip_in(odd, 1, "100.128.0.0"));
	assert_true(ip_in(v6, 2, "fd12:3456::1"));
	assert_true(ip_in(v6, 2, "2001:db8::1"));
	assert_false(ip_in(v6, 2, "2001:db8::2"));
	assert_false(ip_in(v6, 2, "10.0.0.1"));
	assert_true(ip_in(any, 1, "203.0.113.9"));
	assert_false(ip_in(any, 1, "::1"));
	/* not an address: no match, and a missing value neither */
	assert_false(ip_in(any, 1, "pool.example.com"));
	assert_false(ip_in(any, 1, NULL));

	assert_int_equal(cidr_parse("10.0.0.0/33", &c), -EINVAL);
	assert_int_equal(cidr_parse("10.0.0.0/", &c), -EINVAL);
	assert_int_equal(cidr_parse("10.0.0/8", &c), -EINVAL);
	assert_int_equal(cidr_parse("fd00::/129", &c), -EINVAL);
	assert_int_equal(cidr_parse("10.0.0.0/8x", &c), -EINVAL);
	assert_int_equal(cidr_parse("", &c), -EINVAL);
}

static void test_range(void **state)
{
	struct range r;
	json_t *j;

	j = json_string("3333-3340");
	assert_int_equal(range_parse(j, &r), 0);
	assert_int_equal(r.lo, 3333);
	assert_int_equal(r.hi, 3340);
	json_decref(j);
	j = json_string("-5");
	assert_int_equal(range_parse(j, &r), 0);
	assert_int_equal(r.lo, -5);
	json_decref(j);
	j = json_integer(445);
	assert_int_equal(range_parse(j, &r), 0);
	assert_int_equal(r.hi, 445);
	json_decref(j);
	j = json_string("3340-3333");
	assert_int_equal(range_parse(j, &r), -ERANGE);
	json_decref(j);
	j = json_string("1-2-3");
	assert_int_not_equal(range_parse(j, &r), 0);
	json_decref(j);
	j = json_string("80-");
	assert_int_not_equal(range_parse(j, &r), 0);
	json_decref(j);
	j = json_string("http");
	assert_int_not_equal(range_parse(j, &r), 0);
	json_decref(j);
	j = json_real(1.5);
	assert_int_not_equal(range_parse(j, &r), 0);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cidr),
	    cmocka_unit_test(test_range),
	};

	return cmocka_run_group_tests_name("rules_cond", tests, NULL, NULL);
}
