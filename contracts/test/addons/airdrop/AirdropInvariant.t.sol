// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AirdropFixture} from "./AirdropFixture.sol";
import {Vm} from "../../utils/Vm.sol";
import {AirdropBase} from "../../../src/addons/airdrop/AirdropBase.sol";
import {TimeBoundAirdrop} from "../../../src/addons/airdrop/TimeBoundAirdrop.sol";

contract AirdropHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    TimeBoundAirdrop public drop;
    address[] internal accounts;
    uint256[] internal amounts;
    bytes32[][] internal proofs;
    mapping(uint256 => uint256) public paid;

    constructor(TimeBoundAirdrop d, address[] memory a, uint256[] memory m, bytes32[][] memory p) {
        drop = d;
        accounts = a;
        amounts = m;
        proofs = p;
    }

    function claim(uint256 i, uint256 amount) external {
        i = i % accounts.length;
        amount = amount % (amounts[i] + 1);
        vm.prank(accounts[i]);
        try drop.claim(i, amounts[i], amount, proofs[i]) {
            paid[i] += amount;
        } catch {}
    }

    /// A wrong allocation must never pay.
    function claimInflated(uint256 i) external {
        i = i % accounts.length;
        vm.prank(accounts[i]);
        try drop.claim(i, amounts[i] + 1, 1, proofs[i]) {
            paid[i] += 1;
        } catch {}
    }
}

contract AirdropInvariantTest is AirdropFixture {
    TimeBoundAirdrop internal drop;
    AirdropHandler internal handler;

    function setUp() public override {
        super.setUp();
        drop = new TimeBoundAirdrop(address(token), root, AirdropBase.Tracker.Amount, block.timestamp, block.timestamp + 30 days, issuer);
        _fund(address(drop));
        bytes32[][] memory proofs = new bytes32[][](accounts.length);
        for (uint256 i; i < accounts.length; ++i) proofs[i] = _proof(i);
        handler = new AirdropHandler(drop, accounts, amounts, proofs);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    function invariant_claimedNeverExceedsFunded() public view {
        assertLe(drop.totalClaimed(), total);
        assertEq(token.balanceOf(address(drop)) + drop.totalClaimed(), total);
    }

    function invariant_noLeafPaidTwice() public view {
        for (uint256 i; i < accounts.length; ++i) {
            assertLe(handler.paid(i), amounts[i]);
            assertEq(handler.paid(i), drop.claimedAmount(i));
        }
    }
}
