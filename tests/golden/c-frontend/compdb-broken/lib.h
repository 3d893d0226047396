#ifndef LIB_H
#define LIB_H
int lib(void);
#endif
