#pragma once
int winner(void);
