/* The .npy header of the MPI writer. */
#ifndef JR_MPI_NPY_HEADER_H
#define JR_MPI_NPY_HEADER_H

#include <stddef.h>

#include "jaxrandom.h"

/* Big enough for 32 dimensions of 19 digits with NumPy's padding. */
#define JR_NPY_HEADER_MAX 2048

/* Writes the complete header (magic, version, length, dict, padding) for a
 * C-order array into buf; *len gets its length, a multiple of 64. */
jr_status jr_npy_header(const char *fn, jr_dtype dtype, int ndim,
                        const int64_t *shape, char *buf, size_t cap,
                        size_t *len);

#endif /* JR_MPI_NPY_HEADER_H */
