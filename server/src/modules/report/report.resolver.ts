import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { ReportPageArgs } from './report.input.js';
import { toCallReportRow, toNumberReportRow } from './report.mapper.js';
import type { ReportService } from './report.service.js';
import { CallReportPage, NumberReportPage } from './report.type.js';

@Resolver()
export class ReportResolver {
  constructor(private readonly reports: ReportService) {}

  @Query(() => CallReportPage, { description: 'The call report by cursor: every leg, oldest first (the CSV download is GET /reports/campaigns/<id>/calls.csv)' })
  async callReport(@Args(() => ReportPageArgs) a: ReportPageArgs, @Ctx() ctx: GraphQLContext): Promise<CallReportPage> {
    const { rows, hasNextPage, endCursor } = await this.reports.callPage(ctx, a.campaignId, a.timeZone, a.first, a.after);
    return { items: rows.map(toCallReportRow), hasNextPage, endCursor };
  }

  @Query(() => NumberReportPage, { description: 'The number report by cursor: every number with its state and reason (CSV: GET /reports/campaigns/<id>/numbers.csv)' })
  async numberReport(@Args(() => ReportPageArgs) a: ReportPageArgs, @Ctx() ctx: GraphQLContext): Promise<NumberReportPage> {
    const { rows, hasNextPage, endCursor } = await this.reports.numberPage(ctx, a.campaignId, a.timeZone, a.first, a.after);
    return { items: rows.map(toNumberReportRow), hasNextPage, endCursor };
  }
}
