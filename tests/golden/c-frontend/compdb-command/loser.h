#pragma once
int loser(void);
