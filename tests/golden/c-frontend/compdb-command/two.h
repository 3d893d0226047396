#pragma once
int two(void);
