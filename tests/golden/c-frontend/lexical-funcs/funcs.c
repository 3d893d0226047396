/* Function definitions as the text shows them (lexical_funcs), beside libclang's (funcs). */
#include <stddef.h>

#define NORETURN __attribute__((noreturn))
#define WRAP(x) { return (x); }

struct point {
	int x, y;
};

static const struct point origin = {0, 0};

static int plain(int a)
{
	return a + origin.x;
}

/* Braces that differ between #if branches: the first branch counts. */
int branches(int fd)
{
#ifdef _WIN32
	if (fd < 0) {
#else
	if (fd < 0 && fd != -2) {
#endif
		return -1;
	}
	return fd;
}

#ifdef __cplusplus
extern "C" {
#endif

int inside_extern(void) { return 1; }

#ifdef __cplusplus
}
#endif

void stop(void) __attribute__((noreturn));
void stop(void) __attribute__((noreturn))
{
	for (;;)
		;
}

static void empty(void) {}

int (*pick(int which))(int)
{
	return which ? plain : NULL;
}

#if 0
int disabled(int a)
{
	return a;
}
#endif

static void die(void) NORETURN
{
	for (;;)
		;
}

int k_and_r(a)
int a;
{
	return a;
}

int wrapped(int x) WRAP(x)
