int present(void);
