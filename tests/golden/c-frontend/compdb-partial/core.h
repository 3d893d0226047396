#ifndef CORE_H
#define CORE_H
int core(void);
#endif
