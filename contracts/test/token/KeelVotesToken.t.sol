// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenFixture} from "./TokenFixture.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelVotesToken} from "../../src/token/KeelVotesToken.sol";
import {KeelEquityToken} from "../../src/token/KeelEquityToken.sol";

/// @notice ERC-5805 voting on the equity token (timestamp clock), including that votes
/// follow forced transfers, recoveries and burns.
contract KeelVotesTokenTest is TokenFixture {
    event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate);
    event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes);

    uint256 internal constant DAVE_PK = 0xDA7E;
    bytes32 internal constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    function _newToken(bool asImplementation) internal override returns (KeelToken) {
        return new KeelEquityToken(asImplementation);
    }

    function _features() internal view override returns (uint256) {
        return 2; // voting only
    }

    function _votes() internal view returns (KeelVotesToken) {
        return KeelVotesToken(address(token));
    }

    function setUp() public override {
        vm.warp(1_000_000);
        super.setUp();
    }

    function test_clockMode() public view {
        assertEq(token.clock(), uint48(block.timestamp));
        assertEq(token.CLOCK_MODE(), "mode=timestamp");
        assertTrue(_votes().votingEnabled());
    }

    function test_selfDelegation_votesFollowBalance() public {
        _mint(alice, 100);
        assertEq(_votes().getVotes(alice), 0, "undelegated balance has no votes");
        vm.expectEmit(true, true, true, true, address(token));
        emit DelegateChanged(alice, address(0), alice);
        vm.expectEmit(true, false, false, true, address(token));
        emit DelegateVotesChanged(alice, 0, 100);
        vm.prank(alice);
        _votes().delegate(alice);
        assertEq(_votes().getVotes(alice), 100);
        assertEq(_votes().delegates(alice), alice);
        _unpause();
        vm.prank(alice);
        token.transfer(bob, 30);
        assertEq(_votes().getVotes(alice), 70);
        assertEq(_votes().getVotes(bob), 0);
        vm.prank(bob);
        _votes().delegate(carol);
        assertEq(_votes().getVotes(carol), 30);
    }

    function test_pastVotesAndSupply() public {
        vm.prank(alice);
        _votes().delegate(alice);
        uint256 t0 = block.timestamp;
        _mint(alice, 100);
        vm.warp(t0 + 10);
        _mint(alice, 50);
        vm.warp(t0 + 20);
        assertEq(_votes().getPastVotes(alice, t0 - 1), 0);
        assertEq(_votes().getPastVotes(alice, t0), 100);
        assertEq(_votes().getPastVotes(alice, t0 + 9), 100);
        assertEq(_votes().getPastVotes(alice, t0 + 10), 150);
        assertEq(_votes().getPastTotalSupply(t0), 100);
        assertEq(_votes().getPastTotalSupply(t0 + 10), 150);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.FutureLookup.selector, t0 + 20, uint48(t0 + 20)));
        _votes().getPastVotes(alice, t0 + 20);
        vm.expectRevert(abi.encodeWithSelector(KeelToken.FutureLookup.selector, t0 + 21, uint48(t0 + 20)));
        _votes().getPastTotalSupply(t0 + 21);
    }

    function test_redelegationMovesAllVotes() public {
        _mint(alice, 100);
        vm.startPrank(alice);
        _votes().delegate(bob);
        assertEq(_votes().getVotes(bob), 100);
        _votes().delegate(carol);
        vm.stopPrank();
        assertEq(_votes().getVotes(bob), 0);
        assertEq(_votes().getVotes(carol), 100);
        vm.prank(alice);
        _votes().delegate(address(0));
        assertEq(_votes().getVotes(carol), 0);
    }

    function test_forcedTransferRecoveryAndBurnMoveVotes() public {
        _mint(alice, 100);
        vm.prank(alice);
        _votes().delegate(alice);
        vm.prank(bob);
        _votes().delegate(bob);
        vm.prank(custodian);
        token.setAddressFrozen(alice, true);
        vm.prank(custodian);
        token.forcedTransfer(alice, bob, 40);
        assertEq(_votes().getVotes(alice), 60);
        assertEq(_votes().getVotes(bob), 40);
        vm.prank(issuer);
        token.burn(bob, 15);
        assertEq(_votes().getVotes(bob), 25);
        // Recovery: alice's wallet is lost, aliceNew is a new wallet of the same identity.
        address aliceNew = makeAddr("alice-new");
        address aliceId = address(registry.identity(alice));
        registry.registerIdentity(aliceNew, registry.identity(alice), US);
        vm.prank(custodian);
        token.recoveryAddress(alice, aliceNew, aliceId);
        assertEq(_votes().getVotes(alice), 0);
        assertEq(token.balanceOf(aliceNew), 60);
        vm.prank(aliceNew);
        _votes().delegate(aliceNew);
        assertEq(_votes().getVotes(aliceNew), 60);
    }

    function test_delegateBySig() public {
        address dave = vm.addr(DAVE_PK);
        registry.register(dave, US);
        _mint(dave, 77);
        uint256 expiry = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signDelegation(bob, 0, expiry);
        _votes().delegateBySig(bob, 0, expiry, v, r, s);
        assertEq(_votes().delegates(dave), bob);
        assertEq(_votes().getVotes(bob), 77);
        assertEq(token.nonces(dave), 1);
        // Replay refused (nonce used).
        vm.expectRevert();
        _votes().delegateBySig(bob, 0, expiry, v, r, s);
        // Expired refused.
        (v, r, s) = _signDelegation(carol, 1, block.timestamp - 1);
        vm.expectRevert(abi.encodeWithSelector(KeelVotesToken.VotesExpiredSignature.selector, block.timestamp - 1));
        _votes().delegateBySig(carol, 1, block.timestamp - 1, v, r, s);
    }

    function _signDelegation(address delegatee, uint256 nonce, uint256 expiry)
        internal
        view
        returns (uint8, bytes32, bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(DELEGATION_TYPEHASH, delegatee, nonce, expiry));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        return vm.sign(DAVE_PK, digest);
    }

    /// @dev Votes of each delegate always equal the balances delegated to it; the total
    /// supply checkpoint follows mints and burns.
    function testFuzz_votesEqualDelegatedBalances(uint256 seed, uint8 steps) public {
        address[3] memory holders = [alice, bob, carol];
        _unpause();
        for (uint256 i = 0; i < bound(steps, 1, 24); ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            address h = holders[r % 3];
            address other = holders[(r >> 8) % 3];
            uint256 amount = (r >> 16) % 1_000;
            uint256 op = (r >> 32) % 5;
            if (op == 0) {
                _mint(h, amount);
            } else if (op == 1) {
                vm.prank(h);
                _votes().delegate(other);
            } else if (op == 2 && token.balanceOf(h) >= amount) {
                vm.prank(h);
                token.transfer(other, amount);
            } else if (op == 3 && token.balanceOf(h) >= amount) {
                vm.prank(custodian);
                token.forcedTransfer(h, other, amount);
            } else if (op == 4 && token.balanceOf(h) >= amount) {
                vm.prank(issuer);
                token.burn(h, amount);
            }
        }
        for (uint256 d = 0; d < 3; ++d) {
            uint256 expected = 0;
            for (uint256 k = 0; k < 3; ++k) {
                if (_votes().delegates(holders[k]) == holders[d]) expected += token.balanceOf(holders[k]);
            }
            assertEq(_votes().getVotes(holders[d]), expected);
        }
        vm.warp(block.timestamp + 1);
        assertEq(_votes().getPastTotalSupply(block.timestamp - 1), token.totalSupply());
    }
}

contract KeelVotesTokenProxiedTest is KeelVotesTokenTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}

/// @notice Without FEATURE_VOTING the equity token tracks no votes.
contract KeelVotesTokenDisabledTest is TokenFixture {
    function _newToken(bool asImplementation) internal override returns (KeelToken) {
        return new KeelEquityToken(asImplementation);
    }

    function test_votingDisabled() public {
        KeelVotesToken v = KeelVotesToken(address(token));
        assertFalse(v.votingEnabled());
        vm.prank(alice);
        vm.expectRevert(KeelVotesToken.VotingDisabled.selector);
        v.delegate(alice);
        vm.warp(block.timestamp + 10);
        vm.expectRevert(KeelVotesToken.VotingDisabled.selector);
        v.getPastVotes(alice, block.timestamp - 1);
        _mint(alice, 5);
        assertEq(v.getVotes(alice), 0);
    }
}
