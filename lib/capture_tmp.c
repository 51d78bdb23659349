/* temporary until lib/live.c lands */
#include "capture.h"
void scmwq_capture_live_free(struct scmwq_capture *c) { (void)c; }
