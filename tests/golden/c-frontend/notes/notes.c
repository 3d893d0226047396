// TODO: first
/* FIXME second
 * XXX third, on its own line */
int todo_list; /* TODOS is not a marker */
/* unravel: allow-duplicate (generated table) */
static const int table[] = {1, 2, 3};
#define TWICE(x) ((x) + (x)) /* XXX: macro */
int use(void) { return TWICE(table[0]) + todo_list; }
/* unravel:allow-duplicate (no blank after the colon) */
int spare;
/* unravel: allow-duplicates is not the marker */
