import { registry } from "@web/core/registry";

const card = (name) => `.o_kanban_record:contains("${name}")`;

registry.category("web_tour.tours").add("sales_followup_board", {
    steps: () => [
        {
            content: "The board shows every state as a column",
            trigger: '.o_kanban_group .o_column_title:contains("Waiting Customer")',
        },
        {
            content: "A card due today has an orange due date",
            trigger: `${card("Board Tour Customer")} .o_followup_due.text-warning`,
        },
        {
            content: "An overdue card has a red due date",
            trigger: `${card("Late Tour Customer")} .o_followup_due.text-danger`,
        },
        {
            content: "The card shows the customer's grade, its kind, its source document and the salesperson",
            trigger: `${card("Board Tour Customer")}:has(div[name="customer_grade"]:contains("A (key)")):has(.o_followup_kind:contains("Thank You")):contains("SO-TOUR-001"):has(.o_field_many2one_avatar_user img)`,
        },
        {
            content: "Open the card of the customer",
            trigger: card("Board Tour Customer"),
            run: "click",
        },
        {
            content: "Mark the card done",
            trigger: '.o_form_view button[name="action_open_done_wizard"]',
            run: "click",
        },
        {
            content: "Write the outcome",
            trigger: '.modal div[name="outcome"] textarea',
            run: "edit Customer is happy and will order again",
        },
        {
            content: "Confirm",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The card is done",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Done")',
        },
    ],
});

registry.category("web_tour.tours").add("sales_followup_my_followups", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the After-Sales app",
            trigger: '.o_app[data-menu-xmlid="sales_followup.menu_followup_root"]',
            run: "click",
        },
        {
            content: "Open the follow-ups menu",
            trigger: '.o_menu_sections button[data-menu-xmlid="sales_followup.menu_followup_cards"]',
            run: "click",
        },
        {
            content: "A salesperson has no team board",
            trigger: '.o-dropdown--menu:has(.dropdown-item[data-menu-xmlid="sales_followup.menu_my_followups"]):not(:has([data-menu-xmlid="sales_followup.menu_followup_board"]))',
        },
        {
            content: "Open My Follow-ups",
            trigger: '.dropdown-item[data-menu-xmlid="sales_followup.menu_my_followups"]',
            run: "click",
        },
        {
            content: "My card due today is listed",
            trigger: '.o_list_view .o_data_row:contains("Mine Today Customer")',
        },
        {
            content: "My overdue card is listed",
            trigger: '.o_list_view .o_data_row:contains("Mine Late Customer")',
        },
        {
            content: "Cards due later are not listed",
            trigger: '.o_list_view:not(:has(.o_data_row:contains("Mine Later Customer")))',
        },
        {
            content: "Closed cards are not listed",
            trigger: '.o_list_view:not(:has(.o_data_row:contains("Mine Closed Customer")))',
        },
        {
            content: "Colleagues' cards are not listed",
            trigger: '.o_list_view:not(:has(.o_data_row:contains("Colleague Card Customer")))',
        },
    ],
});
