/* A shared library for t_dyn: data that needs relocation, a constructor, a function. */
#include <string.h>
static const char *greeting = "hello from a shared library";  /* a relocated pointer */
int tdyn_constructed;
__attribute__((constructor)) static void init(void) { tdyn_constructed = 42; }
const char *tdyn_greeting(void) { return greeting; }
int tdyn_add(int a, int b) { return a + b + (int)strlen("") ; }
