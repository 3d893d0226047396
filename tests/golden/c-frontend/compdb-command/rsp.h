#pragma once
int rsp(void);
