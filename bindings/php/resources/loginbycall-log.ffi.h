/* The optional log functions of libloginbycall (issue 17), declared apart from loginbycall.ffi.h so that
 * the package loads a library without them (and logs nothing). Pointers are `void *` here: the objects
 * come from the main declarations' FFI object. */
int32_t lbc_config_set_log_level(void *config, int32_t level, void **error);
char *lbc_client_take_log(void *client);
void lbc_string_free(char *s);
