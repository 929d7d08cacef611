/**
 * Every GraphQL document the web app sends. The types of their results are generated from
 * schema.graphql and these documents (`npm run codegen` writes ./generated.ts; `npm test` fails
 * when it is stale); the names below are the ones the app uses.
 */
import type {
  CreateWebhookSubscriptionMutation,
  DeleteWebhookSubscriptionMutation,
  ReplayWebhookDeliveryMutation,
  RotateWebhookSecretMutation,
  UpdateWebhookSubscriptionMutation,
  WebhookDeliveriesQuery,
  WebhookDeliveryFieldsFragment,
  WebhookDeliveryQuery,
  WebhookSubscriptionFieldsFragment,
  WebhookSubscriptionsQuery,
  AddSuppressionMutation,
  AdminUserFieldsFragment,
  AgentFormOptionsQuery,
  AgentProfileQuery,
  AgentRowFieldsFragment,
  AgentsQuery,
  ApiKeyFieldsFragment,
  ApiKeysQuery,
  CallLegsQuery,
  CampaignAction,
  CampaignFieldsFragment,
  CampaignQuery,
  CampaignUpdatedSubscription,
  ChangeGroupMembersMutation,
  ConsoleChangedSubscription,
  ConsoleFieldsFragment,
  ContactFieldsFragment,
  ContactsQuery,
  CreateAgentGroupMutation,
  CreateAgentMutation,
  CreateApiKeyMutation,
  CreateCampaignMutation,
  CreateUserMutation,
  FollowupFieldsFragment,
  FormOptionsQuery,
  GroupRowFieldsFragment,
  GroupsQuery,
  ImportCsvMutation,
  ImportSuppressionsMutation,
  InterruptedCallsQuery,
  ManualFollowupMutation,
  FollowupContactsQuery,
  ListsQuery,
  LiveChangedSubscription,
  LiveFieldsFragment,
  MeQuery,
  PauseCampaignMutation,
  RemoveSuppressionMutation,
  ResolveInterruptedMutation,
  RevokeApiKeyMutation,
  SetCampaignRulesMutation,
  GetCustomersMutation,
  CampaignNumbersQuery,
  CampaignOwnersQuery,
  AgentBoardChangedSubscription,
  AssignNumbersMutation,
  AssignNumbersCsvMutation,
  AutoAssignNumbersMutation,
  SetContactsTimeZoneMutation,
  SetPasswordMutation,
  SetUserDisabledMutation,
  SignInMutation,
  SignOutEverywhereMutation,
  StartMutation,
  StatsChangedSubscription,
  StatsFieldsFragment,
  SuppressionFieldsFragment,
  SuppressionsQuery,
  SuppressionCampaignsQuery,
  TimeZonesQuery,
  TimelineQuery,
  UpdateAgentGroupMutation,
  UpdateAgentMutation,
  UpdateContactMutation,
  UpdateUserMutation,
  UsersQuery,
  WallboardCampaignsQuery,
} from './generated.js';

export type { CampaignStatus, CampaignAction, DialMode, AgentState, Role, CallStatus, NumberState, ZoneSource, InterruptedCallOutcome, SuppressionKind, ApiKeyScope, WebhookEventType, WebhookDeliveryStatus } from './generated.js';


export type User = MeQuery['me']['user'];

export type Rollup = Campaign['performance'];

export type Campaign = CampaignFieldsFragment;

export const CAMPAIGN_FIELDS = /* GraphQL */ `
  fragment CampaignFields on Campaign {
    id name dialMode status actions listId groupId callerId startsAt endsAt infinite
    callingWindow { start end }
    attemptPolicy { retries retryIntervalMinutes retryOn retrySchedule agentMaxAttempts agentRetryIntervalMinutes continueOnNotConnected }
    priority abandonRateCap maxDialRatio callType wrapUpSeconds ringTimeoutSeconds
    webhooks { popupUrl callCompletedUrl callNoAnswerUrl statusCallbackUrl dialWhomUrl getContactsUrl }
    performance { completed failed scheduled interrupted byState { state count } }
    createdAt completedAt completionReason
    ownerPool { perClickMax maxUnprocessed releaseAfterMinutes }
    rules { addOnDrop { dialledNumbers includeIvrDrops } removeOnAnswered }
  }
`;

export type CampaignStats = StatsFieldsFragment;

export const STATS_FIELDS = /* GraphQL */ `fragment StatsFields on CampaignStats { campaignId scheduled inProgress retry retrying completed failed failedDnd failedBalance failedNoAttempt invalid cancelled expired interrupted total updatedAt changedAt }`;

export type AgentStateCounts = CampaignLive['agents'];

export type CampaignLive = LiveFieldsFragment;

export const LIVE_FIELDS = /* GraphQL */ `fragment LiveFields on CampaignLive { campaignId agents { available ringing onCall wrapUp paused offline elsewhere } callsRinging callsConnected waitingForAgent occupancyThisMinute
  dialsToday liveAnswersToday connectsToday localTimeZone answerRate averageHandleTimeSec abandonRateToday abandonRate24h abandonRate30d abandonRateCap
  pacingRatio pacingReason pacingBoundBy hopperDepth hopperDue heldBack { filter count } remaining finishedLastHour etaMinutes
  ownedCallbacks { due overdue released } followups { waiting due expired }
  integrations { kind done pages fetched rejected lastRejection failures lastError errorAt retryAt okAt } updatedAt }`;

export type TimelinePoint = TimelineQuery['campaignTimeline'][number];

// ---------------------------------------------------------------- session

export const SIGN_IN = /* GraphQL */ `mutation SignIn($email: String!, $password: String!) {
  signIn(email: $email, password: $password) { token expiresAt user { id name email role agentId } }
}`;
export type SignInResult = SignInMutation;

export const ME = /* GraphQL */ `query Me { me { organizationName now timeScale user { id name email role agentId } } }`;
export type MeResult = MeQuery;

// ---------------------------------------------------------------- wallboard

export const WALLBOARD_CAMPAIGNS = /* GraphQL */ `query WallboardCampaigns {
  campaigns(status: [RUNNING, PAUSED], sortBy: NAME, sortDirection: ASC, limit: 50) { items { ...CampaignFields } totalCount }
} ${CAMPAIGN_FIELDS}`;
export type CampaignsResult = WallboardCampaignsQuery;

export const CAMPAIGN_UPDATED = /* GraphQL */ `subscription CampaignUpdated { campaignUpdated { ...CampaignFields } } ${CAMPAIGN_FIELDS}`;
export type CampaignUpdatedResult = CampaignUpdatedSubscription;

export const STATS_CHANGED = /* GraphQL */ `subscription StatsChanged($id: ID!) { campaignStatsChanged(campaignId: $id) { ...StatsFields } } ${STATS_FIELDS}`;
export type StatsChangedResult = StatsChangedSubscription;

export const LIVE_CHANGED = /* GraphQL */ `subscription LiveChanged($id: ID!) { campaignLiveChanged(campaignId: $id) { ...LiveFields } } ${LIVE_FIELDS}`;
export type LiveChangedResult = LiveChangedSubscription;

export const TIMELINE = /* GraphQL */ `query Timeline($id: ID!, $minutes: Int!) { campaignTimeline(campaignId: $id, minutes: $minutes) { at dials liveAnswers abandons occupancy } }`;
export type TimelineResult = TimelineQuery;

// ---------------------------------------------------------------- admin

export const CAMPAIGN_LIST = /* GraphQL */ `query CampaignList($status: [CampaignStatus!], $search: String, $sortBy: CampaignSortField!, $sortDirection: SortDirection!, $limit: Int!, $offset: Int!) {
  campaigns(status: $status, search: $search, sortBy: $sortBy, sortDirection: $sortDirection, limit: $limit, offset: $offset) { items { ...CampaignFields } totalCount }
} ${CAMPAIGN_FIELDS}`;

export const CAMPAIGN = /* GraphQL */ `query Campaign($id: ID!) { campaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`;
export type CampaignResult = CampaignQuery;

export const LIFECYCLE: Record<CampaignAction, string> = {
  PAUSE: /* GraphQL */ `mutation PauseCampaign($id: ID!) { result: pauseCampaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`,
  RESUME: /* GraphQL */ `mutation ResumeCampaign($id: ID!) { result: resumeCampaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`,
  COMPLETE: /* GraphQL */ `mutation CompleteCampaign($id: ID!) { result: completeCampaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`,
  ARCHIVE: /* GraphQL */ `mutation ArchiveCampaign($id: ID!) { result: archiveCampaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`,
};
export type LifecycleResult = PauseCampaignMutation;

export const SET_CAMPAIGN_RULES = /* GraphQL */ `mutation SetCampaignRules($id: ID!, $rules: CampaignRulesInput!) { result: setCampaignRules(campaignId: $id, rules: $rules) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`;
export type SetCampaignRulesResult = SetCampaignRulesMutation;
export type CompletionReason = NonNullable<Campaign['completionReason']>;

// ---------------------------------------------------------------- owner pools (seed 003)

const OWNERSHIP = /* GraphQL */ `fragment OwnershipFields on AssignResult { numbersAssigned agents { agentId name owned } }`;
export const CAMPAIGN_NUMBERS = /* GraphQL */ `query CampaignNumbers($campaignId: ID!, $unassigned: Boolean!, $ownerAgentId: ID, $search: String, $limit: Int!, $offset: Int!) {
  campaignNumbers(campaignId: $campaignId, unassigned: $unassigned, ownerAgentId: $ownerAgentId, search: $search, states: ["SCHEDULED", "RETRY", "IN_PROGRESS", "RETRYING"], limit: $limit, offset: $offset) {
    totalCount items { id contactName number state ownerAgentId ownerName nextAttemptAt dialCount releasedAt } } }`;
export type CampaignNumbersResult = CampaignNumbersQuery;
export type PoolNumber = CampaignNumbersQuery['campaignNumbers']['items'][number];
export const AGENT_BOARD_CHANGED = /* GraphQL */ `subscription AgentBoardChanged { agentBoardChanged { agentId name state stateChangedAt campaignId campaignName } }`;
export type AgentBoardChangedResult = AgentBoardChangedSubscription;
export type AgentBoardEntry = AgentBoardChangedSubscription['agentBoardChanged'][number];

export const CAMPAIGN_OWNERS = /* GraphQL */ `query CampaignOwners($campaignId: ID!) { campaignOwners(campaignId: $campaignId) { agentId name owned } }`;
export type CampaignOwnersResult = CampaignOwnersQuery;
export type AgentOwnership = CampaignOwnersQuery['campaignOwners'][number];
export const ASSIGN_NUMBERS = /* GraphQL */ `mutation AssignNumbers($input: AssignNumbersInput!) { assignNumbers(input: $input) { ...OwnershipFields } } ${OWNERSHIP}`;
export type AssignNumbersResult = AssignNumbersMutation;
export const AUTO_ASSIGN = /* GraphQL */ `mutation AutoAssignNumbers($campaignId: ID!) { autoAssignNumbers(campaignId: $campaignId) { ...OwnershipFields } } ${OWNERSHIP}`;
export type AutoAssignResult = AutoAssignNumbersMutation;
export const ASSIGN_CSV = /* GraphQL */ `mutation AssignNumbersCsv($input: AssignNumbersCsvInput!) { assignNumbersCsv(input: $input) { rows numbersAssigned errors { line code reason } agents { agentId name owned } } }`;
export type AssignCsvResult = AssignNumbersCsvMutation;

export const CREATE_CAMPAIGN = /* GraphQL */ `mutation CreateCampaign($input: CreateCampaignInput!) { createCampaign(input: $input) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`;
export type CreateCampaignResult = CreateCampaignMutation;

export const FORM_OPTIONS = /* GraphQL */ `query FormOptions { contactLists(limit: 200) { id name contactCount } agentGroups(limit: 200) { id name memberCount } }`;
export type FormOptionsResult = FormOptionsQuery;

export const CONTACT_LISTS = /* GraphQL */ `query Lists { contactLists(limit: 200) { id name contactCount createdAt } }`;
export type ContactListsResult = ListsQuery;
export const CREATE_LIST = /* GraphQL */ `mutation CreateList($name: String!) { createContactList(name: $name) { id name contactCount createdAt } }`;
export const IMPORT_CSV = /* GraphQL */ `mutation ImportCsv($input: ImportContactsCsvInput!) {
  importContactsCsv(input: $input) { rows created matched zonesUpdated addedToList errors { line code reason } }
}`;
export type CsvImportResult = ImportCsvMutation;

// ---------------------------------------------------------------- contacts (time zones by number)

/** Where the zones a number is dialled by come from. */

export type PhoneNumber = Contact['phones'][number];

export type Contact = ContactFieldsFragment;

export const CONTACT_FIELDS = /* GraphQL */ `fragment ContactFields on Contact { id name clientId timeZone phones { e164 region position candidateTimeZones timeZones zoneSource } createdAt }`;

export const CONTACTS = /* GraphQL */ `query Contacts($search: String, $limit: Int!, $offset: Int!) {
  contacts(search: $search, limit: $limit, offset: $offset) { totalCount items { ...ContactFields } }
} ${CONTACT_FIELDS}`;
export type ContactsResult = ContactsQuery;

/** `timeZone: null` clears the contact's zone (its numbers' candidate zones apply again). */
export const UPDATE_CONTACT = /* GraphQL */ `mutation UpdateContact($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { ...ContactFields } } ${CONTACT_FIELDS}`;
export type UpdateContactResult = UpdateContactMutation;

/** Sets or clears the zone of the named contacts or of every contact of a list; answers how many changed. */
export const SET_CONTACTS_TIME_ZONE = /* GraphQL */ `mutation SetContactsTimeZone($input: SetContactsTimeZoneInput!) { setContactsTimeZone(input: $input) }`;
export type SetContactsTimeZoneResult = SetContactsTimeZoneMutation;

export const CALL_LEGS = /* GraphQL */ `query CallLegs($id: ID!, $search: String, $status: [CallStatus!], $kind: CallLegKind, $sortDirection: String!, $limit: Int!, $offset: Int!) {
  callLegs(campaignId: $id, search: $search, status: $status, kind: $kind, sortDirection: $sortDirection, limit: $limit, offset: $offset) {
    totalCount items { id kind sid number contactName agentName direction status cause abandoned machine agentAttempt customerAttempt createdAt answeredAt endedAt durationSec recordingUrl }
  }
}`;
export type CallLeg = CallLegsResult['callLegs']['items'][number];
export type CallLegsResult = CallLegsQuery;


// ---------------------------------------------------------------- agent console

export type LiveCall = NonNullable<AgentConsole['currentCall']>;

export type Followup = FollowupFieldsFragment;

export const FOLLOWUP_FIELDS = /* GraphQL */ `fragment FollowupFields on Followup { numberId campaignId campaignName contactName number dueAt timeZone note state
  preview launching expiresAt customerAttempts fields { key value } }`;

/** How a person settles a call cut off by a crash or shutdown. */

export const INTERRUPTED_CALLS = /* GraphQL */ `query InterruptedCalls($campaignId: ID!) { interruptedCalls(campaignId: $campaignId) { ...FollowupFields } } ${FOLLOWUP_FIELDS}`;
export type InterruptedCallsResult = InterruptedCallsQuery;

export const RESOLVE_INTERRUPTED = /* GraphQL */ `mutation ResolveInterrupted($numberId: ID!, $outcome: InterruptedCallOutcome!) {
  resolveInterruptedCall(numberId: $numberId, outcome: $outcome) { numberId state }
}`;
export type ResolveInterruptedResult = ResolveInterruptedMutation;

export type AgentConsole = ConsoleFieldsFragment;
export type AgentCampaign = AgentConsole['campaigns'][number];

export const CONSOLE_FIELDS = /* GraphQL */ `fragment ConsoleFields on AgentConsole { agentId name state activeCampaignId stopReason launchNotice wrapUpEndsAt
  currentCall { legId numberId campaignId dialMode status number contactName fields { key value } popupUrl customerAttempt startedAt answeredAt rescheduleAgentCall rescheduleCustomerCall disposition
    crm { status error fields { key value } } }
  campaigns { id name status startsAt remaining canStart cannotStartReason ownerPool ownedCustomers }
  followups { ...FollowupFields } }`;

export type ConsoleResult = StartMutation;
export const START_DIALLING = /* GraphQL */ `mutation Start($campaignId: ID!) { agentConsole: startDialling(campaignId: $campaignId) { ...ConsoleFields } } ${CONSOLE_FIELDS} ${FOLLOWUP_FIELDS}`;
export const STOP_DIALLING = /* GraphQL */ `mutation Stop { agentConsole: stopDialling { ...ConsoleFields } } ${CONSOLE_FIELDS} ${FOLLOWUP_FIELDS}`;
export const END_CALL = /* GraphQL */ `mutation EndCall { agentConsole: endCurrentCall { ...ConsoleFields } } ${CONSOLE_FIELDS} ${FOLLOWUP_FIELDS}`;
export const READY = /* GraphQL */ `mutation Ready { agentConsole: readyForNext { ...ConsoleFields } } ${CONSOLE_FIELDS} ${FOLLOWUP_FIELDS}`;
export const SET_PAUSED = /* GraphQL */ `mutation Pause($paused: Boolean!) { agentConsole: setAgentPaused(paused: $paused) { ...ConsoleFields } } ${CONSOLE_FIELDS} ${FOLLOWUP_FIELDS}`;
export const SET_FLOW = /* GraphQL */ `mutation Flow($numberId: ID!, $input: FlowVariablesInput!) { setFlowVariables(numberId: $numberId, input: $input) { legId } }`;
export const SCHEDULE_FOLLOWUP = /* GraphQL */ `mutation Followup($input: ScheduleFollowupInput!) { scheduleFollowup(input: $input) { numberId dueAt timeZone } }`;
export const CANCEL_FOLLOWUP = /* GraphQL */ `mutation CancelFollowup($numberId: ID!) { cancelFollowup(numberId: $numberId) }`;
export const SCHEDULE_MANUAL_FOLLOWUP = /* GraphQL */ `mutation ManualFollowup($input: ScheduleManualFollowupInput!) {
  scheduleManualFollowup(input: $input) { numberId contactName number dueAt timeZone } }`;
export type ManualFollowupResult = ManualFollowupMutation;
export const LAUNCH_FOLLOWUP = /* GraphQL */ `mutation LaunchFollowup($numberId: ID!) { agentConsole: launchFollowup(numberId: $numberId) { ...ConsoleFields } } ${CONSOLE_FIELDS} ${FOLLOWUP_FIELDS}`;
export const FOLLOWUP_CONTACTS = /* GraphQL */ `query FollowupContacts($campaignId: ID!, $search: String!) {
  followupContacts(campaignId: $campaignId, search: $search) { numberId contactId contactName number state } }`;
export type FollowupContactsResult = FollowupContactsQuery;
export type FollowupContact = FollowupContactsResult['followupContacts'][number];
export const SKIP_FOLLOWUP = /* GraphQL */ `mutation SkipFollowup($numberId: ID!) { skipFollowup(numberId: $numberId) { numberId state } }`;
export const AGENT_PROFILE = /* GraphQL */ `query AgentProfile($id: ID!) { agent(id: $id) { id timeZone } }`;
export type AgentProfileResult = AgentProfileQuery;
export const GET_CUSTOMERS = /* GraphQL */ `mutation GetCustomers($campaignId: ID!) { getCustomers(campaignId: $campaignId) { claimed owned perClickMax maxUnprocessed limitedBy } }`;
export type GetCustomersResult = GetCustomersMutation;
export const CONSOLE_CHANGED = /* GraphQL */ `subscription ConsoleChanged { agentConsoleChanged { ...ConsoleFields } } ${CONSOLE_FIELDS} ${FOLLOWUP_FIELDS}`;
export type ConsoleChangedResult = ConsoleChangedSubscription;

/** The zone names the server stores (canonical IANA region zones and Etc/UTC): what zone pickers offer. */
export const TIME_ZONES = /* GraphQL */ `query TimeZones { timeZones }`;
export type TimeZonesResult = TimeZonesQuery;

/** Ends this session on the server (its sockets close). */
export const SIGN_OUT = /* GraphQL */ `mutation SignOut { signOut }`;

// ---------------------------------------------------------------- administration: users

/** A user as the admin screens see them. */
export type AdminUser = AdminUserFieldsFragment;

export const ADMIN_USER_FIELDS = /* GraphQL */ `fragment AdminUserFields on User { id name email role agentId disabled }`;

export const USERS = /* GraphQL */ `query Users { users { ...AdminUserFields } } ${ADMIN_USER_FIELDS}`;
export type UsersResult = UsersQuery;

/** A user without a password cannot sign in; the admin screen always sets one. */
export const CREATE_USER = /* GraphQL */ `mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { ...AdminUserFields } } ${ADMIN_USER_FIELDS}`;
export type CreateUserResult = CreateUserMutation;

/** The server refuses a change of one's own role (`input.role`). */
export const UPDATE_USER = /* GraphQL */ `mutation UpdateUser($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ...AdminUserFields } } ${ADMIN_USER_FIELDS}`;
export type UpdateUserResult = UpdateUserMutation;

/** Not oneself (`userId`); disabling ends every session of the user at once. Only `disabled` is read back. */
export const SET_USER_DISABLED = /* GraphQL */ `mutation SetUserDisabled($userId: ID!, $disabled: Boolean!) { setUserDisabled(userId: $userId, disabled: $disabled) { id disabled } }`;
export type SetUserDisabledResult = SetUserDisabledMutation;

/** Another user's password (admins); every session of that user ends. */
export const SET_PASSWORD = /* GraphQL */ `mutation SetPassword($userId: ID!, $password: String!) { setPassword(userId: $userId, password: $password) }`;
export type SetPasswordResult = SetPasswordMutation;

/** Ends every session of a user; answers how many ended. */
export const SIGN_OUT_EVERYWHERE = /* GraphQL */ `mutation SignOutEverywhere($userId: ID!) { signOutEverywhere(userId: $userId) }`;
export type SignOutEverywhereResult = SignOutEverywhereMutation;

// ---------------------------------------------------------------- administration: agents and groups

export type AgentRow = AgentRowFieldsFragment;

export const AGENT_ROW_FIELDS = /* GraphQL */ `fragment AgentRowFields on Agent { id name phone sipUri timeZone state userId }`;

/** Agents by name; the page asks for one row more than it shows, to know whether there is a next page. */
export const AGENTS = /* GraphQL */ `query Agents($limit: Int!, $offset: Int!) { agents(limit: $limit, offset: $offset) { ...AgentRowFields } } ${AGENT_ROW_FIELDS}`;
export type AgentsResult = AgentsQuery;

/** What the agent form offers: groups (with their members, for the membership column) and users to link. */
export const AGENT_FORM_OPTIONS = /* GraphQL */ `query AgentFormOptions { agentGroups(limit: 200) { id name members { id } } users { ...AdminUserFields } } ${ADMIN_USER_FIELDS}`;
export type AgentFormOptionsResult = AgentFormOptionsQuery;

/** The time zone is derived from the phone when omitted. */
export const CREATE_AGENT = /* GraphQL */ `mutation CreateAgent($input: CreateAgentInput!) { createAgent(input: $input) { ...AgentRowFields } } ${AGENT_ROW_FIELDS}`;
export type CreateAgentResult = CreateAgentMutation;

/** Only the fields given change; `userId: ""` unlinks; `groupIds` replaces the set. */
export const UPDATE_AGENT = /* GraphQL */ `mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { ...AgentRowFields } } ${AGENT_ROW_FIELDS}`;
export type UpdateAgentResult = UpdateAgentMutation;

export type AgentGroupRow = GroupRowFieldsFragment;

export const GROUP_ROW_FIELDS = /* GraphQL */ `fragment GroupRowFields on AgentGroup { id name memberCount mayScheduleFollowups members { id name state } }`;

/** Groups by name, and the agents that may join them. */
export const GROUPS = /* GraphQL */ `query Groups { agentGroups(limit: 200) { ...GroupRowFields } agents(limit: 200) { id name } } ${GROUP_ROW_FIELDS}`;
export type GroupsResult = GroupsQuery;

export const CREATE_GROUP = /* GraphQL */ `mutation CreateAgentGroup($input: CreateAgentGroupInput!) { createAgentGroup(input: $input) { ...GroupRowFields } } ${GROUP_ROW_FIELDS}`;
export type CreateGroupResult = CreateAgentGroupMutation;

/** Renames a group or allows / forbids its members to schedule followups; only the fields given change. */
export const UPDATE_GROUP = /* GraphQL */ `mutation UpdateAgentGroup($id: ID!, $input: UpdateAgentGroupInput!) { updateAgentGroup(id: $id, input: $input) { ...GroupRowFields } } ${GROUP_ROW_FIELDS}`;
export type UpdateGroupResult = UpdateAgentGroupMutation;

/** Takes effect live in running campaigns. */
export const CHANGE_GROUP_MEMBERS = /* GraphQL */ `mutation ChangeGroupMembers($groupId: ID!, $add: [ID!]!, $remove: [ID!]!) {
  changeGroupMembers(groupId: $groupId, addAgentIds: $add, removeAgentIds: $remove) { ...GroupRowFields }
} ${GROUP_ROW_FIELDS}`;
export type ChangeGroupMembersResult = ChangeGroupMembersMutation;

// ---------------------------------------------------------------- administration: suppression list


export type Suppression = SuppressionFieldsFragment;

export const SUPPRESSION_FIELDS = /* GraphQL */ `fragment SuppressionFields on Suppression { id kind value reason campaignId campaignName createdAt }`;

/** Newest first; `search` matches part of a number (any spelling), a client id or a reason. */
export const SUPPRESSIONS = /* GraphQL */ `query Suppressions($search: String, $kind: SuppressionKind, $limit: Int!, $offset: Int!) {
  suppressions(search: $search, kind: $kind, limit: $limit, offset: $offset) { totalCount items { ...SuppressionFields } }
} ${SUPPRESSION_FIELDS}`;
export type SuppressionsResult = SuppressionsQuery;

/** Numbers are stored in E.164; adding one already listed keeps it (and its reason, unless a new one is given). */
/** Campaigns a suppression entry may apply to (those not over). */
export const SUPPRESSION_CAMPAIGNS = /* GraphQL */ `query SuppressionCampaigns { campaigns(status: [SCHEDULED, RUNNING, PAUSED], sortBy: NAME, sortDirection: ASC, limit: 200) { items { id name } } }`;
export type SuppressionCampaignsResult = SuppressionCampaignsQuery;
export const ADD_SUPPRESSION = /* GraphQL */ `mutation AddSuppression($input: AddSuppressionInput!) { addSuppression(input: $input) { ...SuppressionFields } } ${SUPPRESSION_FIELDS}`;
export type AddSuppressionResult = AddSuppressionMutation;

export const REMOVE_SUPPRESSION = /* GraphQL */ `mutation RemoveSuppression($id: ID!) { removeSuppression(id: $id) }`;
export type RemoveSuppressionResult = RemoveSuppressionMutation;

export const IMPORT_SUPPRESSIONS = /* GraphQL */ `mutation ImportSuppressions($input: ImportSuppressionsCsvInput!) {
  importSuppressionsCsv(input: $input) { rows added alreadyListed errors { line code reason } }
}`;
export type SuppressionImportResult = ImportSuppressionsMutation;

// ---------------------------------------------------------------- administration: API keys


export type ApiKey = ApiKeyFieldsFragment;

export const API_KEY_FIELDS = /* GraphQL */ `fragment ApiKeyFields on ApiKey { id name prefix scopes createdBy createdAt lastUsedAt revokedAt }`;

/** Live keys first. */
export const API_KEYS = /* GraphQL */ `query ApiKeys { apiKeys { ...ApiKeyFields } } ${API_KEY_FIELDS}`;
export type ApiKeysResult = ApiKeysQuery;

/** The key itself is in this answer and nowhere else (only its hash is kept). */
export const CREATE_API_KEY = /* GraphQL */ `mutation CreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ...ApiKeyFields } } } ${API_KEY_FIELDS}`;
export type CreateApiKeyResult = CreateApiKeyMutation;

/** Refused from its next request; its open sockets close within seconds. */
export const REVOKE_API_KEY = /* GraphQL */ `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ...ApiKeyFields } } ${API_KEY_FIELDS}`;
export type RevokeApiKeyResult = RevokeApiKeyMutation;

// ---------------------------------------------------------------- administration: webhooks

export type WebhookSubscription = WebhookSubscriptionFieldsFragment;
export type WebhookDelivery = WebhookDeliveryFieldsFragment;
export type WebhookDeliveryDetail = WebhookDeliveryQuery['webhookDelivery'];

export const WEBHOOK_SUBSCRIPTION_FIELDS = /* GraphQL */ `fragment WebhookSubscriptionFields on WebhookSubscription { id url eventTypes description active createdAt updatedAt }`;
export const WEBHOOK_DELIVERY_FIELDS = /* GraphQL */ `fragment WebhookDeliveryFields on WebhookDelivery {
  id eventType url endpoint subscriptionId campaignId orderKey status attempts nextAttemptAt lastStatusCode lastError createdAt deliveredAt failedAt
}`;

export const WEBHOOK_SUBSCRIPTIONS = /* GraphQL */ `query WebhookSubscriptions { webhookSubscriptions { ...WebhookSubscriptionFields } } ${WEBHOOK_SUBSCRIPTION_FIELDS}`;
export type WebhookSubscriptionsResult = WebhookSubscriptionsQuery;

/** The signing secret is in this answer and nowhere else. */
export const CREATE_WEBHOOK_SUBSCRIPTION = /* GraphQL */ `mutation CreateWebhookSubscription($input: CreateWebhookSubscriptionInput!) {
  createWebhookSubscription(input: $input) { secret subscription { ...WebhookSubscriptionFields } }
} ${WEBHOOK_SUBSCRIPTION_FIELDS}`;
export type CreateWebhookSubscriptionResult = CreateWebhookSubscriptionMutation;

export const UPDATE_WEBHOOK_SUBSCRIPTION = /* GraphQL */ `mutation UpdateWebhookSubscription($id: ID!, $input: UpdateWebhookSubscriptionInput!) {
  updateWebhookSubscription(id: $id, input: $input) { ...WebhookSubscriptionFields }
} ${WEBHOOK_SUBSCRIPTION_FIELDS}`;
export type UpdateWebhookSubscriptionResult = UpdateWebhookSubscriptionMutation;

export const ROTATE_WEBHOOK_SECRET = /* GraphQL */ `mutation RotateWebhookSecret($id: ID!) {
  rotateWebhookSubscriptionSecret(id: $id) { secret subscription { ...WebhookSubscriptionFields } }
} ${WEBHOOK_SUBSCRIPTION_FIELDS}`;
export type RotateWebhookSecretResult = RotateWebhookSecretMutation;

export const DELETE_WEBHOOK_SUBSCRIPTION = /* GraphQL */ `mutation DeleteWebhookSubscription($id: ID!) { deleteWebhookSubscription(id: $id) }`;
export type DeleteWebhookSubscriptionResult = DeleteWebhookSubscriptionMutation;

export const WEBHOOK_DELIVERIES = /* GraphQL */ `query WebhookDeliveries($first: Int!, $after: String, $status: WebhookDeliveryStatus) {
  webhookDeliveries(first: $first, after: $after, status: $status) { totalCount hasNextPage endCursor items { ...WebhookDeliveryFields } }
} ${WEBHOOK_DELIVERY_FIELDS}`;
export type WebhookDeliveriesResult = WebhookDeliveriesQuery;

export const WEBHOOK_DELIVERY = /* GraphQL */ `query WebhookDelivery($id: ID!) {
  webhookDelivery(id: $id) {
    id eventType url endpoint subscriptionId campaignId orderKey status attempts nextAttemptAt lastStatusCode lastError createdAt deliveredAt failedAt
    body attemptLog { attempt startedAt durationMs statusCode errorCode error responseExcerpt }
  }
}`;

export const REPLAY_WEBHOOK_DELIVERY = /* GraphQL */ `mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { ...WebhookDeliveryFields } } ${WEBHOOK_DELIVERY_FIELDS}`;
export type ReplayWebhookDeliveryResult = ReplayWebhookDeliveryMutation;

/** The secret a campaign's own URLs are signed with (managers only). */
export const CAMPAIGN_WEBHOOK_SECRET = /* GraphQL */ `query CampaignWebhookSecret($campaignId: ID!) { campaignWebhookSecret(campaignId: $campaignId) }`;
export const ROTATE_CAMPAIGN_WEBHOOK_SECRET = /* GraphQL */ `mutation RotateCampaignWebhookSecret($campaignId: ID!) { rotateCampaignWebhookSecret(campaignId: $campaignId) }`;
