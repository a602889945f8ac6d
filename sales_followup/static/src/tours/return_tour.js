import { registry } from "@web/core/registry";
import { chooseOption, current } from "@sales_followup/tours/tour_steps";

// A salesperson takes goods of a delivered order back: the return starts
// from the order, its lines filled with what can still be returned.
registry.category("web_tour.tours").add("sales_followup_return_create", {
    steps: () => [
        {
            content: "Return goods of the confirmed order",
            trigger: ".o_form_view button[name='action_create_customer_return']",
            run: "click",
        },
        {
            content: "The return is filled with the delivered lamps",
            trigger: '.o_form_view .o_field_widget[name="line_ids"] .o_data_row:contains("Tour Lamp")',
        },
        {
            content: "It is a return after delivery",
            trigger: '.o_form_view .o_field_widget[name="return_type"]:contains("After Delivery")',
        },
        // A defect is a quality reason: the policy lets it be refunded.
        ...chooseOption("reason", "Defect", {
            content: "Why the goods come back",
            effect: ".o_form_view:not(:has(.o_return_policy_warning))",
        }),
        {
            content: "What the customer says",
            trigger: '.o_form_view .o_field_widget[name="description"] textarea',
            run: "edit The lamp flickers",
        },
        {
            content: "Save the request",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Saved with its reference",
            trigger: '.o_form_saved .o_field_widget[name="name"]:contains("RET/")',
        },
        {
            content: "The request waits for a decision",
            trigger: `${current("Requested")}`,
        },
    ],
});

// A manager opens the return board and approves the request: the goods
// come back on a return transfer.
registry.category("web_tour.tours").add("sales_followup_return_approve", {
    steps: () => [
        {
            content: "The board shows every state as a column",
            trigger: '.o_kanban_group .o_column_title:contains("Received")',
        },
        {
            content: "Open the requested return",
            trigger: '.o_kanban_record:contains("Tour Return Customer")',
            run: "click",
        },
        {
            content: "Approve it",
            trigger: ".o_form_view button[name='action_approve']",
            run: "click",
        },
        {
            content: "Approved",
            trigger: `${current("Approved")}`,
        },
        {
            content: "The return transfer is there",
            trigger: '.o_form_view button[name="action_view_pickings"]:contains("1")',
        },
    ],
});
