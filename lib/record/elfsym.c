// SPDX-License-Identifier: GPL-2.0
/*
 * File offsets of functions in an ELF program, for uprobe events: a uprobe
 * is placed at an offset in the file, not at an address.  The offset is
 * the symbol's address minus its PT_LOAD segment's address plus that
 * segment's file offset.  Read with libelf (elfutils).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <unistd.h>

#include "record/capture.h"

static uint64_t vaddr_to_offset(Elf *elf, uint64_t addr)
{
	size_t n;

	if (elf_getphdrnum(elf, &n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_filesz)
			return addr - ph.p_vaddr + ph.p_offset;
	}
	return 0;
}

/* Look the functions up in one symbol table section; fills offs[] still 0. */
static void scan_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, const char *const *syms,
			int n, uint64_t *offs)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t count;

	if (!data || !sh->sh_entsize)
		return;
	count = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < count; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    !sym.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name)
			continue;
		for (int k = 0; k < n; k++)
			if (!offs[k] && !strcmp(name, syms[k]))
				offs[k] = vaddr_to_offset(elf, sym.st_value);
	}
}

int scmwq_elf_func_offsets(const char *path, const char *const *syms, int n, uint64_t *offs,
			   int *machine, struct scmwq_error *err)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	Elf *elf;
	int fd;

	memset(offs, 0, sizeof(*offs) * n);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "libelf: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: %s", path, strerror(errno));
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		if (elf)
			elf_end(elf);
		close(fd);
		return scmwq_error_set(err, SCMWQ_E_DATA, "%s: not an ELF program", path);
	}
	if (machine)
		*machine = eh.e_machine;
	/* .symtab first (all functions); .dynsym holds the exported ones */
	for (int pass = 0; pass < 2; pass++) {
		scn = NULL;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;

			if (!gelf_getshdr(scn, &sh))
				continue;
			if (sh.sh_type == (pass ? SHT_DYNSYM : SHT_SYMTAB))
				scan_symtab(elf, scn, &sh, syms, n, offs);
		}
	}
	elf_end(elf);
	close(fd);
	return 0;
}
