import { ArrayMaxSize, ArrayMinSize, IsOptional, MaxLength } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { CANONICAL_ZONES } from '../../domain/time-zone.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/pagination.js';
import { CreateContactInput, ImportContactsCsvInput, SetContactsTimeZoneInput, UpdateContactInput } from './contact.input.js';
import { toContact, toContactList } from './contact.mapper.js';
import type { ContactService } from './contact.service.js';
import { Contact, ContactList, ContactPage, CsvImportResult } from './contact.type.js';

@ArgsType()
class ContactsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Part of a name or number' })
  @IsOptional()
  @MaxLength(100)
  search?: string;
}

@ArgsType()
class ListMembersArgs {
  @Field(() => ID)
  listId!: string;

  @Field(() => [ID])
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  contactIds!: string[];
}

@Resolver()
export class ContactResolver {
  constructor(private readonly contactService: ContactService) {}

  @Query(() => ContactPage, { description: 'Contacts in the directory, newest first' })
  async contacts(@Args(() => ContactsArgs) { search, limit, offset }: ContactsArgs, @Ctx() ctx: GraphQLContext): Promise<ContactPage> {
    const page = await this.contactService.page(ctx, search, limit, offset);
    return { items: page.items.map(toContact), totalCount: page.totalCount };
  }

  @Query(() => [String], { description: 'Every zone name the server stores (canonical IANA region zones and Etc/UTC), sorted: what zone pickers offer' })
  timeZones(): readonly string[] {
    return CANONICAL_ZONES;
  }

  @Query(() => Contact)
  async contact(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Contact> {
    return toContact(await this.contactService.get(ctx, id));
  }

  @Mutation(() => Contact)
  async createContact(@Arg('input', () => CreateContactInput) input: CreateContactInput, @Ctx() ctx: GraphQLContext): Promise<Contact> {
    return toContact(await this.contactService.create(ctx, input));
  }

  @Mutation(() => Contact, { description: "Edits a contact; a new time zone reaches its numbers in every campaign at once" })
  async updateContact(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateContactInput) input: UpdateContactInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Contact> {
    return toContact(await this.contactService.update(ctx, id, input));
  }

  @Mutation(() => Int, { description: 'Sets or clears the time zone of many contacts (named, or a whole list); returns how many changed' })
  setContactsTimeZone(@Arg('input', () => SetContactsTimeZoneInput) input: SetContactsTimeZoneInput, @Ctx() ctx: GraphQLContext): Promise<number> {
    return this.contactService.setTimeZones(ctx, input);
  }

  @Mutation(() => CsvImportResult, { complexity: 5000, description: 'Imports good rows and reports every bad row with its line and reason' })
  importContactsCsv(@Arg('input', () => ImportContactsCsvInput) input: ImportContactsCsvInput, @Ctx() ctx: GraphQLContext): Promise<CsvImportResult> {
    return this.contactService.importCsv(ctx, input);
  }

  @Query(() => [ContactList], { description: 'Contact lists, newest first' })
  async contactLists(@Args(() => PageArgs) { limit, offset }: PageArgs, @Ctx() ctx: GraphQLContext): Promise<ContactList[]> {
    const page = await this.contactService.listPage(ctx, limit, offset);
    return page.items.map((r) => toContactList(r.list, r.contactCount));
  }

  @Query(() => ContactList)
  async contactList(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ContactList> {
    const r = await this.contactService.getList(ctx, id);
    return toContactList(r.list, r.contactCount);
  }

  @Mutation(() => ContactList)
  async createContactList(@Arg('name', () => String) name: string, @Ctx() ctx: GraphQLContext): Promise<ContactList> {
    return toContactList(await this.contactService.createList(ctx, name), 0);
  }

  @Mutation(() => ContactList)
  async addContactsToList(@Args(() => ListMembersArgs) args: ListMembersArgs, @Ctx() ctx: GraphQLContext): Promise<ContactList> {
    const r = await this.contactService.addToList(ctx, args.listId, args.contactIds);
    return toContactList(r.list, r.contactCount);
  }

  @Mutation(() => ContactList)
  async removeContactsFromList(@Args(() => ListMembersArgs) args: ListMembersArgs, @Ctx() ctx: GraphQLContext): Promise<ContactList> {
    const r = await this.contactService.removeFromList(ctx, args.listId, args.contactIds);
    return toContactList(r.list, r.contactCount);
  }
}
