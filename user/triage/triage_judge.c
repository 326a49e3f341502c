// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_judge.c - is this command line hostile? Used for every place a
 * host runs commands from (cron entries, systemd Exec lines, rc.local,
 * shell startup files). Two opinions: patterns for what a persistence
 * entry of a miner campaign looks like (hidden or temp paths,
 * download-and-run, encoded payloads, /dev/tcp), and the daemon's own exec
 * rules run on the command as if it were exec'd, so the miner names,
 * pool URLs and wallet shapes are the rules' lists, not a copy.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/event.h"
#include "rules/rules.h"
#include "triage/triage.h"
#include "triage/triage_content.h"

#define MAX_ARGS 64

static const struct {
	const char *re;
	const char *why;
	int severity;
} patterns[] = {
    /* A program started from a temp directory (not any mention of one). */
    {"(^|[;&|(`]|(sh|bash|nohup|exec|then|do|setsid)[[:space:]])"
     "[[:space:]]*(/tmp|/var/tmp|/dev/shm)/",
     "runs from a temporary directory", 70},
    {"(curl|wget|fetch)[^;&|]*\\|[[:space:]]*(sudo[[:space:]]+)?"
     "(ba|da|z|k)?sh([[:space:]]|$)",
     "download piped into a shell", 85},
    {"(curl|wget)[^;]*(;|&&)[^;]*chmod[[:space:]]+[+0-7]*x?",
     "download made executable", 80},
    {"base64[[:space:]]+(-d|--decode)", "encoded payload", 80},
    {"/dev/(tcp|udp)/", "reverse shell", 85},
    {"stratum\\+(tcp|ssl|tls)://", "mining pool URL", 90},
    {"HISTFILE=/dev/null|unset[[:space:]]+HISTFILE|HISTSIZE=0",
     "shell history switched off", 70},
};
#define N_PATTERNS (sizeof(patterns) / sizeof(patterns[0]))

static regex_t compiled[N_PATTERNS];
static bool compiled_ok[N_PATTERNS];
static bool compiled_done;

static void compile_once(void)
{
	size_t i;

	if (compiled_done)
		return;
	compiled_done = true;
	for (i = 0; i < N_PATTERNS; i++)
		compiled_ok[i] = regcomp(&compiled[i], patterns[i].re,
					 REG_EXTENDED | REG_NOSUB) == 0;
}

/* Hidden directories tools make on their own (rules/execution.json too). */
static const char *const benign_hidden[] = {".cache",	    ".local",
					    ".config",	    ".npm",
					    ".cargo",	    ".rustup",
					    ".git",	    ".vscode-server",
					    ".vscode",	    ".cursor-server",
					    ".pyenv",	    ".nvm",
					    ".gradle",	    ".m2",
					    ".venv",	    ".mozilla",
					    ".oh-my-zsh",   ".ansible",
					    ".terraform.d", ".docker",
					    ".gnupg",	    ".ssh",
					    ".dotnet",	    ".deno",
					    ".bun",	    ".ipython",
					    ".jupyter",	    ".conda",
					    ".X11-unix",    ".ICE-unix",
					    ".sdkman",	    ".rbenv",
					    ".volta",	    ".asdf",
					    ".nix-profile", ".krew",
					    ".fzf",	    ".tmux",
					    ".vim",	    ".emacs.d",
					    ".gem",	    ".yarn"};

bool triage__benign_hidden(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(benign_hidden) / sizeof(benign_hidden[0]); i++)
		if (strlen(benign_hidden[i]) == len &&
		    strncmp(name, benign_hidden[i], len) == 0)
			return true;
	return false;
}

/* Does the word holding p follow a "cd "? (cd /root/.bashtemp && ...) */
static bool after_cd(const char *cmd, const char *p)
{
	while (p > cmd && p[-1] != ' ' && p[-1] != '\t')
		p--;
	return p - cmd >= 3 && strncmp(p - 3, "cd ", 3) == 0 &&
	       (p - cmd == 3 || strchr(" \t;&|(", p[-4]));
}

/*
 * A path component "/.name/" (or "cd /x/.name") that no tool makes on its
 * own; "/root/.bashrc" as a file is not a directory.
 */
static bool hidden_dir(const char *cmd)
{
	const char *p;

	for (p = strstr(cmd, "/."); p; p = strstr(p + 1, "/.")) {
		const char *name = p + 1, *end = name + 1;

		if (!(*end == '_' || *end == '-' ||
		      (*end >= '0' && *end <= '9') ||
		      ((*end | 0x20) >= 'a' && (*end | 0x20) <= 'z')))
			continue;
		while (*end && !strchr("/ \t;\"'&|)", *end))
			end++;
		if ((*end == '/' || after_cd(cmd, p)) &&
		    !triage__benign_hidden(name, end - name))
			return true;
	}
	return false;
}

static void why_add(char *why, size_t len, const char *s)
{
	size_t n = strlen(why);

	if (strstr(why, s))
		return;
	snprintf(why + n, len - n, "%s%s", n ? ", " : "", s);
}

struct cmd_ctx {
	char *why;
	size_t len;
	int sev;
};

/* Only the rules about what runs, not about where it was started from. */
static int on_rule(const struct rule *r, int idx, const struct mw_event *ev,
		   void *vctx)
{
	struct cmd_ctx *c = vctx;
	const char *id = rule__id(r);
	char buf[160];

	if (strncmp(id, "MW-MINER", 8) && strncmp(id, "MW-EVASION", 10) &&
	    strncmp(id, "MW-RECON", 8))
		return 0;
	snprintf(buf, sizeof(buf), "%s %s", id, rule__name(r));
	why_add(c->why, c->len, buf);
	if (rule__severity(r) > c->sev)
		c->sev = rule__severity(r);
	return 0;
}

/* The daemon's exec rules on cmd as if it had been exec'd. */
static void judge_by_rules(struct triage *t, const char *cmd, struct cmd_ctx *c)
{
	struct mw_process p = {.loginuid = UINT32_MAX};
	struct mw_event ev = {.kind = MW_KIND_EXEC, .proc = &p};
	char *copy = strdup(cmd), *tok, *save, *argv[MAX_ARGS + 1];
	int argc = 0, i;

	if (!copy)
		return;
	for (tok = strtok_r(copy, " \t", &save); tok && argc < MAX_ARGS;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (!argc) {
		free(copy);
		return;
	}
	/* The program: the first word that is a path, else the first. */
	p.exe = argv[0];
	for (i = 0; i < argc; i++)
		if (argv[i][0] == '/') {
			p.exe = argv[i];
			break;
		}
	p.name = strrchr(p.exe, '/') ? strrchr(p.exe, '/') + 1 : p.exe;
	snprintf(p.comm, sizeof(p.comm), "%s", p.name);
	p.argv = argv;
	p.argc = argc;
	p.cmdline = (char *)cmd;
	rules__eval(t->rs, &ev, on_rule, c);
	free(copy);
}

int triage__judge_command(struct triage *t, const char *cmd, char *why,
			  size_t why_len)
{
	struct cmd_ctx c = {.why = why, .len = why_len};
	size_t i;
	int sev;

	why[0] = '\0';
	compile_once();
	if (hidden_dir(cmd)) {
		why_add(why, why_len, "hidden directory");
		c.sev = 80;
	}
	for (i = 0; i < N_PATTERNS; i++) {
		if (!compiled_ok[i] ||
		    regexec(&compiled[i], cmd, 0, NULL, 0) != 0)
			continue;
		why_add(why, why_len, patterns[i].why);
		if (patterns[i].severity > c.sev)
			c.sev = patterns[i].severity;
	}
	if (t->rs)
		judge_by_rules(t, cmd, &c);
	/* What the programs it names are, by their bytes. */
	sev = triage_content__command(t, cmd, why, why_len);
	return sev > c.sev ? sev : c.sev;
}
