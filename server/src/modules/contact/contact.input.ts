import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class ContactFieldInput {
  @Field(() => String)
  @Length(1, 64)
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'field key must be letters, digits and _ (not starting with a digit)' })
  key!: string;

  @Field(() => String)
  @MaxLength(1000)
  value!: string;
}

@InputType()
export class CreateContactInput {
  @Field(() => String)
  @Length(1, 200)
  name!: string;

  @Field(() => [String], { description: 'One or more numbers, E.164 or national with defaultRegion; dialled in this order' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  phones!: string[];

  @Field(() => String, { nullable: true, description: 'ISO region for national-format numbers, e.g. IN' })
  @IsOptional()
  @Length(2, 2)
  defaultRegion?: string;

  @Field(() => String, {
    nullable: true,
    description: 'IANA zone of the contact (stored in canonical form; links like Asia/Calcutta resolved, abbreviations like EST refused). Omitted: each number is dialled only while the calling window holds in every zone its prefix may be in',
  })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 128)
  clientId?: string;

  @Field(() => [ContactFieldInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  fields?: ContactFieldInput[];

  @Field(() => [ID], { nullable: true, description: 'Lists to add the new contact to' })
  @IsOptional()
  @ArrayMaxSize(20)
  listIds?: string[];
}

@InputType()
export class ImportContactsCsvInput {
  @Field(() => String, {
    description: 'CSV text with a header row: name, phone (or phone1..phoneN, or several separated by ;), time_zone, client_id; other columns become custom fields',
  })
  @MaxLength(5_000_000)
  csv!: string;

  @Field(() => ID, { nullable: true, description: 'List to add the imported contacts to' })
  @IsOptional()
  listId?: string;

  @Field(() => String, { nullable: true, description: 'ISO region for national-format numbers' })
  @IsOptional()
  @Length(2, 2)
  defaultRegion?: string;
}

@InputType()
export class UpdateContactInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA zone; null clears it (each number\'s candidate zones apply again); omitted: unchanged' })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string | null;
}

@InputType({ description: 'Sets the zone of many contacts: name contactIds or a listId' })
export class SetContactsTimeZoneInput {
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  contactIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Every contact of this list' })
  @IsOptional()
  listId?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA zone; null clears the contacts\' zones (numbers\' candidate zones apply)' })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string | null;
}
