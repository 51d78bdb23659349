// SPDX-License-Identifier: GPL-2.0
/*
 * SMC function ids in words: the service and command names of the mainline
 * driver (drivers/firmware/qcom/qcom_scm.h) for SiP-owned ids.
 */
#include <inttypes.h>
#include <stdio.h>

#include <scmwq/report.h>

#include "base/base.h"

struct name_entry {
	unsigned int id;
	const char *name;
};

/* Mainline drivers/firmware/qcom/qcom_scm.h: QCOM_SCM_SVC_* and their commands. */
static const struct name_entry boot_cmds[] = {
	{ 0x01, "set_addr" }, { 0x02, "terminate_pc" }, { 0x09, "sdi_config" },
	{ 0x0a, "set_remote_state" }, { 0x10, "set_dload_mode" }, { 0x11, "set_addr_mc" },
	{ 0, NULL },
};

static const struct name_entry pil_cmds[] = {
	{ 0x01, "pas_init_image" }, { 0x02, "pas_mem_setup" }, { 0x05, "pas_auth_and_reset" },
	{ 0x06, "pas_shutdown" }, { 0x07, "pas_is_supported" }, { 0x0a, "pas_mss_reset" },
	{ 0, NULL },
};

static const struct name_entry io_cmds[] = {
	{ 0x01, "read" }, { 0x02, "write" }, { 0, NULL },
};

static const struct name_entry info_cmds[] = {
	{ 0x01, "is_call_avail" }, { 0, NULL },
};

static const struct name_entry mp_cmds[] = {
	{ 0x02, "restore_sec_cfg" }, { 0x03, "iommu_secure_ptbl_size" },
	{ 0x04, "iommu_secure_ptbl_init" }, { 0x05, "iommu_set_cp_pool_size" },
	{ 0x08, "video_var" }, { 0x16, "assign" }, { 0x1c, "shm_bridge_enable" },
	{ 0x1d, "shm_bridge_delete" }, { 0x1e, "shm_bridge_create" },
	{ 0, NULL },
};

static const struct name_entry ocmem_cmds[] = {
	{ 0x01, "lock" }, { 0x02, "unlock" }, { 0, NULL },
};

static const struct name_entry es_cmds[] = {
	{ 0x03, "invalidate_ice_key" }, { 0x04, "config_set_ice_key" }, { 0, NULL },
};

static const struct name_entry hdcp_cmds[] = {
	{ 0x01, "invoke" }, { 0, NULL },
};

static const struct name_entry lmh_cmds[] = {
	{ 0x01, "limit_profile_change" }, { 0x10, "limit_dcvsh" }, { 0, NULL },
};

static const struct name_entry smmu_cmds[] = {
	{ 0x01, "pt_format" }, { 0x03, "config_errata1" }, { 0, NULL },
};

static const struct name_entry waitq_cmds[] = {
	{ SCMWQ_CMD_ACK, "ack" }, { SCMWQ_CMD_RESUME, "resume" },
	{ SCMWQ_CMD_GET_WQ_CTX, "get_wq_ctx" }, { SCMWQ_CMD_GET_INFO, "get_info" },
	{ 0, NULL },
};

static const struct name_entry gpu_cmds[] = {
	{ 0x01, "init_regs" }, { 0, NULL },
};

static const struct {
	unsigned int svc;
	const char *name;
	const struct name_entry *cmds;
} services[] = {
	{ 0x01, "boot", boot_cmds },
	{ 0x02, "pil", pil_cmds },
	{ 0x05, "io", io_cmds },
	{ 0x06, "info", info_cmds },
	{ 0x0c, "mp", mp_cmds },
	{ 0x0f, "ocmem", ocmem_cmds },
	{ 0x10, "es", es_cmds },
	{ 0x11, "hdcp", hdcp_cmds },
	{ 0x13, "lmh", lmh_cmds },
	{ 0x15, "smmu", smmu_cmds },
	{ SCMWQ_SVC_WAITQ, "waitq", waitq_cmds },
	{ 0x28, "gpu", gpu_cmds },
};

const char *scmwq_smc_service_name(unsigned int svc)
{
	for (size_t i = 0; i < ARRAY_SIZE(services); i++)
		if (services[i].svc == svc)
			return services[i].name;
	return NULL;
}

const char *scmwq_smc_command_name(unsigned int svc, unsigned int cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(services); i++) {
		if (services[i].svc != svc)
			continue;
		for (const struct name_entry *c = services[i].cmds; c->name; c++)
			if (c->id == cmd)
				return c->name;
		return NULL;
	}
	return NULL;
}

#define SMC_OWNER_SIP	2

char *scmwq_smc_describe(uint64_t smc_id, char *buf, size_t len)
{
	unsigned int svc = scmwq_smc_svc(smc_id), cmd = scmwq_smc_cmd(smc_id);
	const char *s, *c;

	if (!len)
		return buf;
	if (!smc_id) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (((smc_id >> 24) & 0x3f) != SMC_OWNER_SIP || smc_id >> 32) {
		snprintf(buf, len, "0x%08" PRIx64, smc_id);
		return buf;
	}
	s = scmwq_smc_service_name(svc);
	c = scmwq_smc_command_name(svc, cmd);
	if (s && c)
		snprintf(buf, len, "%s/%s", s, c);
	else if (s)
		snprintf(buf, len, "%s/0x%02x", s, cmd);
	else
		snprintf(buf, len, "0x%02x/0x%02x", svc, cmd);
	return buf;
}
