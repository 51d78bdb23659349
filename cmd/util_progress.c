// SPDX-License-Identifier: GPL-2.0
/*
 * How far into its input file a reading command is, for a progress line
 * with a percentage: the offset of the descriptor the source reads the
 * file through (found by device and inode in /proc/self/fd), against the
 * file's size.  Only for a regular file (a pipe has no size); a compressed
 * file counts its compressed bytes, which is what its size is.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

void cmd_file_pos_init(struct cmd_file_pos *p, const char *path)
{
	struct stat st;
	int r = strcmp(path, "-") ? stat(path, &st) : fstat(STDIN_FILENO, &st);

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (r == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		p->size = st.st_size;
		p->dev = st.st_dev;
		p->ino = st.st_ino;
	}
}

/* The descriptor open on the file, or -1. */
static int find_fd(const struct cmd_file_pos *p)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		struct stat st;
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		if (!fstat(fd, &st) && st.st_dev == p->dev && st.st_ino == p->ino) {
			found = fd;
			break;
		}
	}
	closedir(d);
	return found;
}

int cmd_file_pos_percent(struct cmd_file_pos *p)
{
	off_t off;

	if (!p->size)
		return -1;
	if (p->fd < 0)
		p->fd = find_fd(p);
	if (p->fd < 0)
		return -1;
	off = lseek(p->fd, 0, SEEK_CUR);
	if (off <= 0 || off > p->size)
		return -1;	/* mapped, or not read through this descriptor */
	return (int)(off * 100 / p->size);
}
