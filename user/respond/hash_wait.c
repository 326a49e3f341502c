// SPDX-License-Identifier: GPL-2.0-only
/*
 * hash_wait.c - respond stage: the processes whose judgement by a rule
 * with a hash exception waits for their SHA-256 (see hash_wait.h). A
 * small fixed table, scanned: entries come only from execs that match
 * such a rule, and leave when the content verdict arrives (~0.1 s).
 */
#include <errno.h>
#include <stdlib.h>

#include "respond/hash_wait.h"

struct entry {
	uint32_t pid; /* 0: free */
	uint64_t start_ns;
	uint64_t deadline_ns;
};

struct hash_wait {
	struct entry *v;
	unsigned int cap, n;
};

struct hash_wait *hash_wait__new(unsigned int cap)
{
	struct hash_wait *hw = calloc(1, sizeof(*hw));

	if (!hw)
		return NULL;
	hw->cap = cap ? cap : 1;
	hw->v = calloc(hw->cap, sizeof(*hw->v));
	if (!hw->v) {
		free(hw);
		return NULL;
	}
	return hw;
}

void hash_wait__free(struct hash_wait *hw)
{
	if (!hw)
		return;
	free(hw->v);
	free(hw);
}

static struct entry *find(const struct hash_wait *hw, uint32_t pid,
			  uint64_t start_ns)
{
	unsigned int i;

	for (i = 0; hw && pid && i < hw->cap; i++)
		if (hw->v[i].pid == pid && hw->v[i].start_ns == start_ns)
			return &hw->v[i];
	return NULL;
}

int hash_wait__add(struct hash_wait *hw, uint32_t pid, uint64_t start_ns,
		   uint64_t deadline_ns)
{
	unsigned int i;

	if (!hw || !pid)
		return -EINVAL;
	if (find(hw, pid, start_ns))
		return 0; /* the first deadline stands */
	for (i = 0; i < hw->cap && hw->v[i].pid; i++)
		;
	if (i == hw->cap)
		return -ENOSPC;
	hw->v[i] = (struct entry){pid, start_ns, deadline_ns};
	hw->n++;
	return 0;
}

bool hash_wait__has(const struct hash_wait *hw, uint32_t pid, uint64_t start_ns)
{
	return find(hw, pid, start_ns) != NULL;
}

void hash_wait__del(struct hash_wait *hw, uint32_t pid, uint64_t start_ns)
{
	struct entry *e = find(hw, pid, start_ns);

	if (!e)
		return;
	e->pid = 0;
	hw->n--;
}

int hash_wait__expired(const struct hash_wait *hw, uint64_t now, uint32_t *pid,
		       uint64_t *start_ns)
{
	unsigned int i;

	for (i = 0; hw && hw->n && i < hw->cap; i++)
		if (hw->v[i].pid && now >= hw->v[i].deadline_ns) {
			*pid = hw->v[i].pid;
			*start_ns = hw->v[i].start_ns;
			return 1;
		}
	return 0;
}

unsigned int hash_wait__count(const struct hash_wait *hw)
{
	return hw ? hw->n : 0;
}
