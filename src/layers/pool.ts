/**
 * A deterministic bitmap-like allocator over `size` slots with owners, shaped after the API
 * server's allocators: slots below `offset` form a static band that explicit requests usually
 * pick from, so dynamic allocation scans the upper band first and only then the lower one
 * (KEP-3070 for ClusterIPs, KEP-3668 for NodePorts). Where the API server draws at random,
 * this takes the lowest free slot, so the same input always yields the same result.
 */
export class BandedPool {
  private readonly owners = new Map<number, string>();
  /** Rank (position in scan order) below which every slot is known to be taken. */
  private hint = 0;

  constructor(
    readonly size: number,
    readonly offset: number,
  ) {}

  ownerOf(index: number): string | undefined {
    return this.owners.get(index);
  }

  get used(): number {
    return this.owners.size;
  }

  /** The first free slot in scan order that `skip` does not exclude; undefined when full. */
  next(skip: (index: number) => boolean): number | undefined {
    for (let rank = this.hint; rank < this.size; rank++) {
      const index = this.unrank(rank);
      if (!this.owners.has(index) && !skip(index)) return index;
    }
    return undefined;
  }

  claim(index: number, owner: string): void {
    this.owners.set(index, owner);
    while (this.hint < this.size && this.owners.has(this.unrank(this.hint))) this.hint++;
  }

  release(index: number): void {
    if (!this.owners.delete(index)) return;
    this.hint = Math.min(this.hint, this.rank(index));
  }

  private rank(index: number): number {
    return index >= this.offset ? index - this.offset : this.size - this.offset + index;
  }

  private unrank(rank: number): number {
    const upper = this.size - this.offset;
    return rank < upper ? rank + this.offset : rank - upper;
  }
}

/** The API server's static-band size for a NodePort range (portallocator calculateRangeOffset). */
export function portBandOffset(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}

/** The API server's static-band size for a service CIDR (ipallocator calculateRangeOffset); `rangeSize` counts every address. */
export function ipBandOffset(rangeSize: bigint): number {
  if (rangeSize < 16n) return 0;
  const offset = rangeSize / 16n;
  if (offset < 16n) return 16;
  return offset > 256n ? 256 : Number(offset);
}
