#ifndef EXTRA_H
#define EXTRA_H
int extra(void);
#endif
