#ifndef UTIL_H
#define UTIL_H
void log_event(int ev);
int helper(const char *s);
#endif
