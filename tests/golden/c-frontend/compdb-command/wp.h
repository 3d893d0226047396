#pragma once
int wp(void);
