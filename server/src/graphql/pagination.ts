import { Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { LIMITS } from '../domain/campaign-options.js';

/** Bounded offset pagination shared by every list query. */
@ArgsType()
export class PageArgs {
  /** @default 50 */
  @Field(() => Int, { defaultValue: 50, description: `Page size, 1-${LIMITS.pageMax}` })
  @Min(1)
  @Max(LIMITS.pageMax)
  limit!: number;

  @Field(() => Int, { defaultValue: 0, description: 'Rows to skip, at most 100000' })
  @Min(0)
  @Max(100_000)
  offset!: number;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}
