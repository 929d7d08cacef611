import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A custom field of a contact (name, order id, ...)' })
export class ContactField {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType()
export class PhoneNumber {
  @Field(() => String, { description: 'E.164, e.g. +919876543210' })
  e164!: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166 region of the number' })
  region!: string | null;

  @Field(() => Int, { description: 'Dial order among the contact numbers (0 first)' })
  position!: number;
}

@ObjectType()
export class Contact {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'The customer id in your CRM' })
  clientId!: string | null;

  @Field(() => String, { description: 'IANA time zone the calling window is evaluated in' })
  timeZone!: string;

  @Field(() => [PhoneNumber])
  phones!: PhoneNumber[];

  @Field(() => [ContactField])
  fields!: ContactField[];

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class ContactPage {
  @Field(() => [Contact])
  items!: Contact[];

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType()
export class ContactList {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: 'Contacts in the list' })
  contactCount!: number;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: 'A CSV row that was not imported' })
export class CsvRowError {
  @Field(() => Int, { description: 'Line number in the file (the header is line 1)' })
  line!: number;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  reason!: string;
}

@ObjectType()
export class CsvImportResult {
  @Field(() => Int, { description: 'Data rows read' })
  rows!: number;

  @Field(() => Int, { description: 'New contacts created' })
  created!: number;

  @Field(() => Int, { description: 'Rows whose numbers already belonged to one contact: that contact was reused' })
  matched!: number;

  @Field(() => Int, { description: 'Contacts added to the list (if a list was given)' })
  addedToList!: number;

  @Field(() => [CsvRowError])
  errors!: CsvRowError[];
}
