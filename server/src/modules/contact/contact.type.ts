import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export const ZoneSource = { CONTACT: 'CONTACT', NUMBER: 'NUMBER', COUNTRY: 'COUNTRY' } as const;
export type ZoneSource = (typeof ZoneSource)[keyof typeof ZoneSource];
registerEnumType(ZoneSource, {
  name: 'ZoneSource',
  description: 'Where the zones a number is dialled by come from',
  valuesConfig: {
    CONTACT: { description: "The contact's explicit zone" },
    NUMBER: { description: "The number's prefix (libphonenumber's time-zone map)" },
    COUNTRY: { description: "Only the number's country is known: all of its zones" },
  },
});

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

  @Field(() => [String], { description: 'Zones the number may be in, from its prefix (or its country)' })
  candidateTimeZones!: string[];

  @Field(() => [String], { description: 'Zones the dialler honours: the number is dialled only while the calling window holds in every one' })
  timeZones!: string[];

  @Field(() => ZoneSource)
  zoneSource!: ZoneSource;
}

@ObjectType()
export class Contact {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'The customer id in your CRM' })
  clientId!: string | null;

  @Field(() => String, { nullable: true, description: "The contact's explicit IANA zone (canonical); null: each number's candidate zones apply" })
  timeZone!: string | null;

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

  @Field(() => Int, { description: 'Existing contacts whose time zone a time_zone cell changed' })
  zonesUpdated!: number;

  @Field(() => Int, { description: 'Contacts added to the list (if a list was given)' })
  addedToList!: number;

  @Field(() => [CsvRowError])
  errors!: CsvRowError[];
}
