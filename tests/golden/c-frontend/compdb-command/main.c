/* Flags from a "command" string: quotes, an escaped space, a response file. */
#if LEVEL == 2
#include "two.h"
#endif
#ifdef FROM_RSP
#include "rsp.h"
#endif
#include "spaced.h"
#ifdef VIA_WP
#include "wp.h" /* -Wp, options reach the preprocessor; other -W options are dropped */
#endif

static const char *greeting = GREETING;
static const char *text = RSP_TEXT;

const char *hello(void)
{
	return spaced_pick(greeting, text);
}
