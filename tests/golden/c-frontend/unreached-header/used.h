int used(void);
