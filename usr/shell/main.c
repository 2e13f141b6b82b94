/*
 * The Flotilla shell: what `make run` lands in. Core 0's monitor starts
 * it from the boot image; it reads lines typed at the serial console and
 * runs each as a command (commands.c), all of them requests to the
 * monitors (flotilla/monitor.h) or invocations of its own capabilities.
 *
 * Input: core 0's monitor owns the UART and keeps what is typed. The
 * shell asks it for bytes (mon_console_read, at most 8 per call, never
 * waiting) and, when there are none, sleeps CONSOLE_POLL_NS (20 ms)
 * before asking again. Polling keeps the monitor simple (it never has to
 * remember a waiting reader or wake one) and costs one short LMP call
 * per poll; 20 ms is below what a typist notices. The console's input has
 * one reader at a time (docs/console.md): the shell reads once before it
 * shows anything, and if another process owns the input it says which and
 * exits (status 1) rather than show a prompt it cannot serve.
 *
 * Output: a serial terminal does not echo keystrokes, so the shell does,
 * as its line editor (lib/lineedit.c) says: characters, "\b \b" for an
 * erased one, "\n" at the end of a line, and the message that refuses a
 * line longer than the editor holds (nothing of it runs). Lines are split
 * into words and the first word picks the command; a wrong number of
 * words is a usage message. Nothing typed ends the shell: every mistake gets one line
 * saying what was wrong, then a new prompt.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flotilla/monitor.h>
#include <flotilla/sys.h>
#include "lib/lineedit.h"
#include "shell.h"

extern unsigned long libc_arg;
/* Defined only in the test image (tests/shell/faultonce.c). */
extern void shell_start_hook(unsigned long arg) __attribute__((weak));

#define PROMPT		"flotilla> "
/* While the console cannot be read, ask again a second later. */
#define RETRY_NS	(1000ull * 1000 * 1000)

/* Room for a message that quotes a whole word of a line. */
#define MESSAGE_MAX	(LINEEDIT_SIZE + 64)

void shell_usage(const struct command *cmd, const char *fmt, ...)
{
	char why[MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("shell: %s: %s; usage: %s%s%s\n", cmd->name, why, cmd->name,
	       cmd->args[0] ? " " : "", cmd->args);
}

void shell_error(err_t err, const char *hint, const char *fmt, ...)
{
	char what[MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	printf("shell: %s: %s: %s%s%s%s\n", what, err_name(err), err_msg(err), hint ? " (" : "",
	       hint ? hint : "", hint ? ")" : "");
}

static const struct command *find(const char *name)
{
	for (unsigned i = 0; i < shell_ncommands; i++)
		if (strcmp(shell_commands[i].name, name) == 0)
			return &shell_commands[i];
	return NULL;
}

/* Runs one line; the line is split in place. */
static void run_line(char *line)
{
	char *words[SHELL_MAX_WORDS];
	const struct command *cmd;
	unsigned n;

	if (lineedit_split(line, words, SHELL_MAX_WORDS, &n)) {
		printf("shell: too many words (a command takes at most %u); 'help' lists the commands\n",
		       SHELL_MAX_WORDS - 1);
		return;
	}
	if (n == 0)
		return;
	cmd = find(words[0]);
	if (!cmd)
		printf("shell: unknown command '%s'; 'help' lists the commands\n", words[0]);
	else if (n < cmd->min_words)
		shell_usage(cmd, "missing argument");
	else if (n > cmd->max_words)
		shell_usage(cmd, "too many arguments");
	else
		cmd->run(cmd, n, words);
}

/* Feeds one byte to the editor, echoes, and runs a finished line. A line
 * too long (LINEEDIT_TOO_LONG) runs nothing: the echo says why. */
static void input(struct lineedit *le, uint8_t c)
{
	enum lineedit_event ev = lineedit_feed(le, c);
	char line[LINEEDIT_SIZE];

	if (le->echo_len)
		printf("%s", le->echo);
	if (ev == LINEEDIT_LINE) {
		memcpy(line, le->line, sizeof(line));
		run_line(line);
	}
	if (ev != LINEEDIT_NONE)
		printf(PROMPT);
}

/* Another process reads the console: say who, and end. */
static void refused(err_t err, const struct mon_reader *owner)
{
	char why[80];

	snprintf(why, sizeof(why), "it belongs to process %u:%u; this shell on core %u exits",
		 owner->core, owner->pid, sys_core_id());
	shell_error(err, why, "cannot read the console");
	exit(1);
}

/* Waits for console bytes, polling; returns how many are in buf. */
static size_t read_console(char *buf, size_t size)
{
	static err_t last_err = OK;
	struct mon_reader owner;
	size_t n;

	for (;;) {
		err_t err = mon_console_read(buf, size, &n, &owner);

		if (err == ERR_CONSOLE_BUSY)
			refused(err, &owner);
		if (err && err != last_err)
			shell_error(err, "trying again every second", "cannot read the console");
		last_err = err;
		if (!err && n)
			return n;
		sys_sleep_until(sys_clock_ns() + (err ? RETRY_NS : CONSOLE_POLL_NS));
	}
}

int main(int argc, char **argv)
{
	static struct lineedit le;
	struct mon_reader owner;
	char buf[16];
	size_t n = 0;

	/* The test image's shell has a start hook (tests/shell/); this one
	 * has none and ignores its argument. */
	if (shell_start_hook)
		shell_start_hook(libc_arg);
	lineedit_init(&le);
	/* The first read claims the input; another error is reported by
	 * read_console, which tries again. */
	if (mon_console_read(buf, sizeof(buf), &n, &owner) == ERR_CONSOLE_BUSY)
		refused(ERR_CONSOLE_BUSY, &owner);
	printf("Flotilla shell on core %u; 'help' lists the commands\n", sys_core_id());
	printf(PROMPT);
	for (;;) {
		for (size_t i = 0; i < n; i++)
			input(&le, (uint8_t)buf[i]);
		n = read_console(buf, sizeof(buf));
	}
}
