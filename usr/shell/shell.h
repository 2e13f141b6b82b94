/*
 * The shell's parts: main.c reads the console and runs lines, commands.c
 * holds the commands and their table. A command gets its words (words[0]
 * is its name) after main.c has checked their number against the table,
 * so a command only checks what the words say.
 */
#ifndef USR_SHELL_H
#define USR_SHELL_H

#include <kpi/errors.h>

#define SHELL_MAX_WORDS		8	/* words on one line, command included */
/* The shell's argument from init: 0; in the test image's shell,
 * SHELL_ARG_FAULT makes it fault on purpose at once, the first time in a
 * boot (`shellfault`: the boot test of its restart, tests/shell/). */
#define SHELL_ARG_FAULT		1

struct command {
	const char *name;
	const char *args;		/* its syntax after the name: "CORE" */
	const char *what;		/* one line for `help` */
	unsigned min_words, max_words;	/* the name included */
	void (*run)(const struct command *cmd, unsigned n, char **words);
};

extern const struct command shell_commands[];
/* `skb [core N | node N | tree ROOT [SHAPE]]` (skb.c): the System
 * Knowledge Base's facts, and its multicast trees. */
void shell_skb(const struct command *cmd, unsigned n, char **words);
/* The shell's binding to the SKB, made on first use; NULL once it has
 * said why there is none (tf.c places forces with it). */
struct idl_binding;
struct idl_binding *skb_binding(void);
/* `tf run|ls|kill` (tf.c): task forces, in init's tree. */
void shell_tf(const struct command *cmd, unsigned n, char **words);
extern const unsigned shell_ncommands;

/* "shell: ping: 'x' is not a number; usage: ping CORE" */
void shell_usage(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "shell: ping core 2: ERR_TIMEOUT: no answer before the deadline", and
 * " (hint)" after it unless hint is NULL. */
void shell_error(err_t err, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
